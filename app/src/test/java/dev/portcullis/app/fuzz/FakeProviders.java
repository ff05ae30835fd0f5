package dev.portcullis.app.fuzz;

import dev.portcullis.testkit.AnthropicWire;
import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.CohereWire;
import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.InferenceProfilesFake;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.UpstreamResponder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One test upstream standing in for every provider the fuzzed gateway talks to, told apart by the
 * first path segment ({@code /openai}, {@code /anthropic}, ...; see {@link FuzzRig#upstreamSettings}).
 * It answers every call 2xx in the provider's own wire format, streams included, so that any 5xx
 * the fuzzer sees was made by Portcullis, except for calls that carry {@link #FAIL_MARKER}: those
 * get the status written after the marker with a body holding {@link #UPSTREAM_BODY_MARKER}, or a
 * dropped connection for {@link #RESET_MARKER}.
 */
final class FakeProviders implements UpstreamResponder {

  /** {@code fuzz-upstream-fail-503} anywhere in a call's target, headers or body: answer 503. */
  static final String FAIL_MARKER = "fuzz-upstream-fail-";
  /** Anywhere in a call: close the connection without an answer. */
  static final String RESET_MARKER = "fuzz-upstream-reset";
  /** In every error body this upstream writes, so the judge can tell its 5xx from Portcullis' own. */
  static final String UPSTREAM_BODY_MARKER = "FUZZ-TEST-UPSTREAM-ERROR";

  private static final InferenceProfilesFake PROFILES = new InferenceProfilesFake(List.of(
      InferenceProfilesFake.profile("us.amazon.nova-pro-v1:0", "ACTIVE")), 10);

  private final Canaries canaries;
  private final AtomicLong calls = new AtomicLong();

  FakeProviders(Canaries canaries) {
    this.canaries = canaries;
  }

  long calls() {
    return calls.get();
  }

  @Override
  public void respond(HttpServerRequest request, Buffer body) {
    calls.incrementAndGet();
    String everything = request.uri() + "\n" + request.headers() + "\n" + body;
    // A virtual key or token is Portcullis' own credential: it must never leave the gateway.
    canaries.checkUpstream(request.method() + " " + request.uri(), everything);
    if (everything.contains(RESET_MARKER)) {
      request.connection().close();
      return;
    }
    int failAt = everything.indexOf(FAIL_MARKER);
    if (failAt >= 0) {
      int status = parseStatus(everything, failAt + FAIL_MARKER.length());
      request.response().setStatusCode(status).putHeader("content-type", "application/json")
          .end(new JsonObject().put("error", new JsonObject().put("message", UPSTREAM_BODY_MARKER + " told to fail")
              .put("type", "server_error")).put("message", UPSTREAM_BODY_MARKER).encode());
      return;
    }
    String path = request.path();
    String provider = path.length() > 1 && path.indexOf('/', 1) > 0 ? path.substring(1, path.indexOf('/', 1)) : "";
    boolean stream = asksForStream(body);
    HttpServerResponse response = request.response();
    if (request.method().name().equals("GET")) {
      switch (provider) {
        case "anthropic" -> json(response, AnthropicWire.models(false, "claude-sonnet-4-5"));
        case "gemini" -> json(response, GeminiWire.models("gemini-2.5-flash"));
        case "cohere" -> json(response, CohereWire.models("command-r"));
        case "bedrock" -> {
          if (path.endsWith("/inference-profiles")) {
            PROFILES.respond(request, body);
          } else {
            json(response, "{\"modelSummaries\":[]}");
          }
        }
        default -> json(response, OpenAiWire.models("gpt-4o", "llama-3.3-70b"));
      }
      return;
    }
    switch (provider) {
      case "anthropic" -> {
        if (path.endsWith("/count_tokens")) {
          json(response, AnthropicWire.countTokens(3));
        } else if (stream) {
          sse(response, AnthropicWire.textStream("claude-sonnet-4-5", List.of("Hel", "lo"), 3, 2));
        } else {
          json(response, AnthropicWire.message("claude-sonnet-4-5", "Hello", 3, 2));
        }
      }
      case "gemini" -> {
        List<String> chunks = GeminiWire.textStreamChunks("gemini-2.5-flash-001", List.of("Hel", "lo"), 3, 2);
        if (path.endsWith(":countTokens")) {
          json(response, GeminiWire.countTokens(3));
        } else if (path.endsWith(":streamGenerateContent") && "sse".equals(request.getParam("alt"))) {
          response.setChunked(true).putHeader("content-type", "text/event-stream");
          chunks.forEach(chunk -> response.write("data: " + chunk + "\r\n\r\n"));
          response.end();
        } else if (path.endsWith(":streamGenerateContent")) {
          json(response, "[" + String.join(",\r\n", chunks) + "]");
        } else {
          json(response, GeminiWire.generateContent("gemini-2.5-flash-001", "Hello", 3, 2));
        }
      }
      case "cohere" -> {
        if (stream) {
          sse(response, CohereWire.textStream(List.of("Hel", "lo"), 3, 2));
        } else {
          json(response, CohereWire.chat("Hello", 3, 2));
        }
      }
      case "bedrock" -> {
        if (path.endsWith("-stream")) {
          response.putHeader("content-type", BedrockWire.EVENT_STREAM)
              .end(BedrockWire.concat(BedrockWire.textStreamFrames(List.of("Hel", "lo"), 3, 2)));
        } else if (path.endsWith("/invoke")) {
          json(response, "{\"outputText\":\"Hello\"}");
        } else {
          json(response, BedrockWire.converse("Hello", 3, 2));
        }
      }
      default -> {
        if (path.endsWith("/embeddings")) {
          json(response, OpenAiWire.embeddings("text-embedding-3-small", 3));
        } else if (path.endsWith("/responses")) {
          if (stream) {
            sse(response, OpenAiWire.responseTextStream("gpt-4o", List.of("Hel", "lo"), 3, 2));
          } else {
            json(response, OpenAiWire.response("gpt-4o", "Hello", 3, 2));
          }
        } else if (stream) {
          response.setChunked(true).putHeader("content-type", "text/event-stream");
          OpenAiWire.chatTextStream("gpt-4o", List.of("Hel", "lo"), 3, 2)
              .forEach(data -> response.write("data: " + data + "\n\n"));
          response.end();
        } else {
          json(response, OpenAiWire.chatCompletion("gpt-4o", "Hello", 3, 2));
        }
      }
    }
  }

  private static int parseStatus(String text, int at) {
    int end = at;
    while (end < text.length() && end < at + 3 && Character.isDigit(text.charAt(end))) {
      end++;
    }
    return end == at + 3 ? Integer.parseInt(text.substring(at, end)) : 500;
  }

  private static boolean asksForStream(Buffer body) {
    try {
      Object stream = new JsonObject(body).getValue("stream");
      return Boolean.TRUE.equals(stream);
    } catch (RuntimeException notAnObject) {
      return false;
    }
  }

  private static void json(HttpServerResponse response, String body) {
    response.putHeader("content-type", "application/json").end(body);
  }

  private static void sse(HttpServerResponse response, List<String[]> events) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    events.forEach(event -> response.write("event: " + event[0] + "\ndata: " + event[1] + "\n\n"));
    response.end();
  }
}
