package dev.portcullis.app.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies: a valid body for the route's API, then, for some, one of the shapes a parser
 * must survive (deep nesting, numbers past every range, duplicate keys, wrong types, truncation,
 * bodies that are not JSON objects or not UTF-8, bodies near and over the size limit).
 */
final class FuzzBodies {

  static final String[] ROUTER_MODELS = {"openai:gpt-4o", "anthropic:claude-sonnet-4-5", "gemini:gemini-2.5-flash",
      "cohere:command-r", "bedrock:amazon.nova-pro-v1:0", "groq:llama-3.3-70b"};

  private FuzzBodies() {}

  /** A well-formed body for the operation, naming the model and asking for a stream as given. */
  static JsonObject valid(Pick pick, String provider, String routePath, boolean stream) {
    JsonArray chatMessages = new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"));
    switch (provider) {
      case "anthropic":
        JsonObject anthropic = new JsonObject().put("model", "claude-sonnet-4-5").put("messages", chatMessages);
        return routePath.endsWith("count_tokens") ? anthropic : anthropic.put("max_tokens", 16).put("stream", stream);
      case "gemini":
        return new JsonObject().put("contents", new JsonArray().add(new JsonObject().put("role", "user")
            .put("parts", new JsonArray().add(new JsonObject().put("text", "hi")))));
      case "cohere":
        return new JsonObject().put("model", "command-r").put("messages", chatMessages).put("stream", stream);
      case "bedrock":
        if (routePath.endsWith("/invoke") || routePath.endsWith("invoke-with-response-stream")) {
          return new JsonObject().put("inputText", "hi");
        }
        JsonObject converse = new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", new JsonArray().add(new JsonObject().put("text", "hi")))));
        return routePath.startsWith("/converse") ? converse.put("modelId", "amazon.nova-pro-v1:0") : converse;
      default:
        String model = provider.equals("model-router") ? pick.one(ROUTER_MODELS) : "gpt-4o";
        if (routePath.endsWith("/embeddings")) {
          return new JsonObject().put("model", "text-embedding-3-small").put("input", "hi");
        }
        if (routePath.endsWith("/responses")) {
          return new JsonObject().put("model", model).put("input", "hi").put("stream", stream);
        }
        return new JsonObject().put("model", model).put("messages", chatMessages).put("stream", stream)
            .put("max_tokens", 16);
    }
  }

  /** The body's bytes, mangled for about half the cases; tags say how. */
  static byte[] mangle(Pick pick, FuzzCase c, JsonObject body, int bodyLimit) {
    if (!pick.chance(0.5)) {
      return body.encode().getBytes(StandardCharsets.UTF_8);
    }
    int kind = pick.between(0, 15);
    String json = body.encode();
    switch (kind) {
      case 0 -> {
        c.tag("json:wrong-type");
        String field = pick.one("model", "stream", "messages", "max_tokens", "modelId", "contents", "input");
        body.put(field, pick.one((Object) 123, null, new JsonArray(), new JsonObject(), true, "true", -1,
            new JsonArray().add(1).add("x"), new JsonArray().add(new JsonObject().put("role", 5).put("content", new JsonObject())),
            pick.repeat("m", 5000)));
        return body.encode().getBytes(StandardCharsets.UTF_8);
      }
      case 1 -> {
        c.tag("json:huge-number");
        String number = pick.one("1E+2147483648", "1e999999999", "-1E-2147483648", "1E+2147483647", "9".repeat(5000),
            "1" + "0".repeat(1200) + ".5", "-0", "1.7976931348623157E309", "0.0000000000000000000000000001e-400");
        String field = pick.one("max_tokens", "temperature", "top_p", "n", "seed", "stream", "model");
        return (json.substring(0, json.length() - 1) + ",\"" + field + "\":" + number + "}").getBytes(StandardCharsets.UTF_8);
      }
      case 2 -> {
        c.tag("json:duplicate-keys");
        String dup = pick.one("\"model\":\"other\",", "\"stream\":true,", "\"model\":5,", "\"messages\":null,",
            "\"stream\":\"yes\",", "\"modelId\":\"..%2F..\",");
        return ("{" + dup + json.substring(1, json.length() - 1) + "," + dup.substring(0, dup.length() - 1) + "}")
            .getBytes(StandardCharsets.UTF_8);
      }
      case 3 -> {
        int depth = pick.one(200, 1001, 2000, 20_000, 100_000);
        c.tag("json:deep-nesting-" + depth);
        String open = pick.chance(0.5) ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return (json.substring(0, json.length() - 1) + ",\"x\":" + open.repeat(depth) + "1" + close.repeat(depth) + "}")
            .getBytes(StandardCharsets.UTF_8);
      }
      case 4 -> {
        c.tag("json:truncated");
        return json.substring(0, pick.between(0, Math.max(0, json.length() - 1))).getBytes(StandardCharsets.UTF_8);
      }
      case 5 -> {
        c.tag("json:not-an-object");
        return pick.one("[]", "\"text\"", "1", "null", "", " ", "{", "}", "true", "[{}]", "{}{}", "{\"model\":\"a\"}garbage",
            "NaN", "{'model':'a'}", "{\"model\":\"a\",}", "/* c */{}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}")
            .getBytes(StandardCharsets.UTF_8);
      }
      case 6 -> {
        c.tag("json:not-utf8");
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        byte[] out = utf8.clone();
        out[pick.between(0, out.length - 1)] = (byte) (int) pick.one(0xff, 0xfe, 0xc0, 0x80, 0xed);
        return pick.chance(0.3) ? json.getBytes(StandardCharsets.UTF_16) : out;
      }
      case 7 -> {
        c.tag("json:bom");
        return ("\uFEFF" + json).getBytes(StandardCharsets.UTF_8);
      }
      case 8 -> {
        int size = pick.one(bodyLimit / 2, bodyLimit - json.length() - 20, bodyLimit + 1, bodyLimit * 2);
        c.tag(size > bodyLimit ? "body:over-limit" : "body:large");
        return (json.substring(0, json.length() - 1) + ",\"pad\":\"" + "x".repeat(Math.max(0, size - json.length()))
            + "\"}").getBytes(StandardCharsets.UTF_8);
      }
      case 9 -> {
        c.tag("json:many-keys");
        StringBuilder many = new StringBuilder(json.substring(0, json.length() - 1));
        int keys = pick.one(1000, 20_000);
        for (int i = 0; i < keys; i++) {
          many.append(",\"k").append(i).append("\":").append(i);
        }
        return many.append('}').toString().getBytes(StandardCharsets.UTF_8);
      }
      case 10 -> {
        c.tag("json:odd-model-name");
        String field = body.containsKey("modelId") ? "modelId" : "model";
        body.put(field, oddModelName(pick));
        return body.encode().getBytes(StandardCharsets.UTF_8);
      }
      case 11 -> {
        c.tag("json:long-string");
        body.put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", pick.repeat(pick.one("a", "\u00e9", "\u6f22", "\ud83d\ude00", "\\"), pick.between(10_000, 60_000)))));
        return body.encode().getBytes(StandardCharsets.UTF_8);
      }
      case 12 -> {
        c.tag("body:random-bytes");
        byte[] random = new byte[pick.between(1, 4096)];
        pick.random.nextBytes(random);
        return random;
      }
      case 13 -> {
        c.tag("json:messages-shapes");
        body.put("messages", pick.one((Object) new JsonArray(), new JsonArray().add(new JsonArray()),
            new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
                .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:;base64,@@@"))))),
            new JsonArray().add(new JsonObject().put("role", "tool").put("content", "x")),
            new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
                .add(new JsonObject().put("type", "nope"))))));
        return body.encode().getBytes(StandardCharsets.UTF_8);
      }
      case 14 -> {
        c.tag("json:stream-forms");
        body.put("stream", pick.one((Object) true, "true", 1, null, new JsonObject()));
        body.put("stream_options", pick.one((Object) new JsonObject().put("include_usage", true), "x", 5));
        return body.encode().getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        c.tag("json:whitespace");
        return (" \t\r\n" + json.replace(":", " : ").replace(",", " ,\n") + "\n\n").getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  /** Model ids that must never become a different upstream path: separators, dot segments, escapes. */
  static String oddModelName(Pick pick) {
    return pick.one("..", "../..", "a/b", "a%2Fb", "%2e%2e", "x%3Fy", "a?b=c", "a#b", "%00", "a\u0000b", "\u6a21\u578b",
        "m".repeat(pick.between(300, 9000)), "", " ", "gpt-4o/../../admin", "models/..%2F..%2Fx", "a%252Fb",
        "openai:", ":", "nope:x", "openai:../../v1/models", "bedrock:a/b", "gemini:..%2F", "anthropic:%2e%2e");
  }
}
