package dev.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.gateway.observe.CallRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A call's answer reaches its client as the provider gave it, or as an error in the called API's format. */
class AnswerWriterTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicReference<Call> call = new AtomicReference<>();
  private final AtomicReference<BusReply> reply = new AtomicReference<>();
  private HttpHarness http;
  private AnswerWriter writer;

  private void serve() {
    http = new HttpHarness(request -> {
      CallTracker tracker = new CallTracker(http.vertx, new CallRecorder(registry), new RequestBytesBudget(1_000), null, null);
      writer = new AnswerWriter(tracker);
      tracker.begin(call.get());
      writer.write(request.response(), call.get(), reply.get());
    });
  }

  @AfterEach
  void close() {
    if (http != null) {
      http.close();
    }
  }

  @Test
  void aWholeAnswerIsWrittenAsTheProviderGaveItWithTheRequestId() {
    call.set(TestCalls.openAiChat());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json")
        .add("x-request-id", "upstream-1");
    reply.set(new BusReply.Whole(new ProxyResponse(201, headers, Buffer.buffer("{\"id\":\"x\"}"),
        new Usage("gpt-4o", 3, 2))));
    serve();

    HttpHarness.Answer answer = http.post("/v1/openai/chat/completions", "{}");

    assertThat(answer.response().statusCode()).isEqualTo(201);
    assertThat(answer.response().getHeader("x-request-id")).isEqualTo("upstream-1");
    assertThat(answer.response().getHeader(AnswerWriter.REQUEST_ID_HEADER)).isEqualTo("req_test");
    assertThat(answer.body().toString()).isEqualTo("{\"id\":\"x\"}");
    assertThat(recorded("201")).isEqualTo(1);
  }

  @Test
  void anErrorTheProviderAnsweredIsWrittenInTheCalledApisFormat() {
    call.set(TestCalls.call("anthropic", Operation.MESSAGES));
    reply.set(new BusReply.Whole(GatewayError.invalidRequest("Name a model.", "model")));
    serve();

    HttpHarness.Answer answer = http.post("/v1/anthropic/v1/messages", "{}");

    assertThat(answer.response().statusCode()).isEqualTo(400);
    assertThat(answer.response().getHeader(AnswerWriter.REQUEST_ID_HEADER)).isEqualTo("req_test");
    JsonObject body = answer.body().toJsonObject();
    assertThat(body.getString("type")).isEqualTo("error");
    assertThat(body.getJsonObject("error").getString("message")).isEqualTo("Name a model.");
    assertThat(recorded("400")).isEqualTo(1);
  }

  @Test
  void anUnexpectedReplyIsA500() {
    call.set(TestCalls.openAiChat());
    reply.set(new BusReply.Whole("not an answer"));
    serve();

    HttpHarness.Answer answer = http.post("/v1/openai/chat/completions", "{}");

    assertThat(answer.response().statusCode()).isEqualTo(500);
    assertThat(answer.body().toJsonObject().getJsonObject("error").getString("message"))
        .isEqualTo("The provider answered with an unexpected message.");
  }

  @Test
  void aStreamNeedsHttp11() {
    GatewayError refusal = StreamRelay.refusalFor(HttpVersion.HTTP_1_0);

    assertThat(refusal.status()).isEqualTo(400);
    assertThat(refusal.message()).isEqualTo("A streamed answer needs HTTP/1.1 (chunked transfer encoding); "
        + "send the request as HTTP/1.1 or without streaming.");
    assertThat(StreamRelay.refusalFor(HttpVersion.HTTP_1_1)).isNull();
    assertThat(StreamRelay.refusalFor(HttpVersion.HTTP_2)).isNull();
  }

  private double recorded(String status) {
    var counter = registry.find("portcullis.requests").tag("status", status).counter();
    return counter == null ? 0 : counter.count();
  }
}
