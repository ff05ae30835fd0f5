package dev.portcullis.common.bus;

import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.auth.TokenRequest;
import dev.portcullis.common.auth.TokenResponse;
import dev.portcullis.common.auth.VerifyRequest;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.router.ModelListRequest;
import dev.portcullis.common.stream.bus.StreamControl;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.usage.UsageLines;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Registers the codecs of every message type of the internal API as default codecs. */
public final class BusCodecs {

  private BusCodecs() {}

  /** The codecs, one per message class. */
  public static List<BusCodec<?>> all() {
    return List.of(
        new BusCodec<>(ProxyRequest.class, BusCodecs::requestHeader, ProxyRequest::body, BusCodecs::readRequest),
        new BusCodec<>(ProxyResponse.class,
            r -> new JsonObject().put("status", r.status()).put("headers", headers(r.headers()))
                .put("usage", usage(r.usage())),
            ProxyResponse::body,
            (h, b) -> new ProxyResponse(h.getInteger("status"), headers(h.getJsonArray("headers")), b,
                usage(h.getJsonObject("usage")))),
        new BusCodec<>(GatewayError.class, BusCodecs::error, e -> null, (h, b) -> error(h)),
        new BusCodec<>(StreamFrame.Head.class,
            f -> new JsonObject().put("status", f.status()).put("headers", headers(f.headers()))
                .put("control", f.controlAddress()),
            f -> null,
            (h, b) -> new StreamFrame.Head(h.getInteger("status"), headers(h.getJsonArray("headers")),
                h.getString("control"))),
        new BusCodec<>(StreamFrame.Data.class, f -> new JsonObject(), StreamFrame.Data::bytes,
            (h, b) -> new StreamFrame.Data(b)),
        new BusCodec<>(StreamFrame.End.class, BusCodecs::end, f -> null,
            (h, b) -> new StreamFrame.End(usage(h.getJsonObject("usage")), h.getBoolean("failed", false))),
        new BusCodec<>(StreamFrame.Failure.class, f -> error(f.error()), f -> null,
            (h, b) -> new StreamFrame.Failure(error(h))),
        new BusCodec<>(StreamControl.Credit.class, c -> new JsonObject().put("frames", c.frames()), c -> null,
            (h, b) -> new StreamControl.Credit(h.getInteger("frames"))),
        new BusCodec<>(StreamControl.Cancel.class, c -> new JsonObject().put("reason", c.reason()), c -> null,
            (h, b) -> new StreamControl.Cancel(h.getString("reason"))),
        new BusCodec<>(VerifyRequest.class,
            r -> new JsonObject().put("credential", r.credential()).put("clientAddress", r.clientAddress()), r -> null,
            (h, b) -> new VerifyRequest(h.getString("credential"), h.getString("clientAddress"))),
        new BusCodec<>(Principal.class, BusCodecs::principal, p -> null, (h, b) -> principal(h)),
        new BusCodec<>(TokenRequest.class,
            r -> new JsonObject().put("form", new JsonObject(new HashMap<>(r.form())))
                .put("authorization", r.authorization()).put("clientAddress", r.clientAddress()),
            r -> null,
            (h, b) -> new TokenRequest(strings(h.getJsonObject("form")), h.getString("authorization"),
                h.getString("clientAddress"))),
        new BusCodec<>(TokenResponse.class,
            r -> new JsonObject().put("status", r.status()).put("body", r.body())
                .put("headers", new JsonObject(new HashMap<>(r.headers()))),
            r -> null,
            (h, b) -> new TokenResponse(h.getInteger("status"), h.getJsonObject("body"),
                strings(h.getJsonObject("headers")))),
        new BusCodec<>(LlmProxyDirectory.class,
            d -> new JsonObject().put("names", new JsonObject(new HashMap<>(d.namesById()))).put("defaultId", d.defaultId())
                .put("audit", new JsonObject(new HashMap<>(d.auditLevels())))
                .put("policies", new JsonObject(new HashMap<>(d.policies())))
                .put("fallbacks", new JsonObject(new HashMap<>(d.fallbacks()))),
            d -> null,
            // "audit", "policies" and "fallbacks" may be missing: an older auth-service sends none.
            (h, b) -> new LlmProxyDirectory(strings(h.getJsonObject("names")), h.getString("defaultId"),
                h.getJsonObject("audit") == null ? Map.of() : strings(h.getJsonObject("audit")),
                h.getJsonObject("policies") == null ? Map.of() : strings(h.getJsonObject("policies")),
                h.getJsonObject("fallbacks") == null ? Map.of() : strings(h.getJsonObject("fallbacks")))),
        new BusCodec<>(ModelListRequest.class, BusCodecs::modelList, r -> null, (h, b) -> modelList(h)),
        new BusCodec<>(UsageLines.class, l -> new JsonObject(),
            l -> Buffer.buffer(l.wireBytes()),
            (h, b) -> new UsageLines(b == null ? new byte[0] : b.getBytes())));
  }

  private static JsonObject modelList(ModelListRequest r) {
    JsonObject credentials = new JsonObject();
    r.credentials().forEach((provider, credential) -> credentials.put(provider, credential(credential)));
    return new JsonObject().put("proxyId", r.proxyId()).put("requestId", r.requestId())
        .put("credentials", credentials).put("timeoutMs", r.timeoutMs());
  }

  private static ModelListRequest modelList(JsonObject h) {
    Map<String, UpstreamCredential> credentials = new HashMap<>();
    h.getJsonObject("credentials", new JsonObject())
        .forEach(e -> credentials.put(e.getKey(), credential((JsonObject) e.getValue())));
    return new ModelListRequest(h.getString("proxyId"), h.getString("requestId"), credentials,
        h.getLong("timeoutMs", 0L));
  }

  /**
   * Registers every codec on this Vert.x instance's event bus. Safe to call from each verticle:
   * a second call on the same instance does nothing.
   */
  public static synchronized void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    for (BusCodec<?> codec : all()) {
      registerOne(bus, codec);
    }
  }

  private static <T> void registerOne(EventBus bus, BusCodec<T> codec) {
    try {
      bus.registerDefaultCodec(codec.type(), codec);
    } catch (IllegalStateException alreadyRegistered) {
      // Another verticle of this Vert.x instance registered it first.
    }
  }

  private static JsonObject requestHeader(ProxyRequest r) {
    JsonObject json = new JsonObject()
        .put("provider", r.provider())
        .put("operation", r.operation())
        .put("method", r.method())
        .put("path", r.path())
        .put("query", r.query())
        .put("headers", headers(r.headers()))
        .put("proxyId", r.proxyId())
        .put("requestId", r.requestId())
        .put("model", r.model())
        .put("timeoutMs", r.timeoutMs())
        .put("streamAddress", r.streamAddress())
        .put("initialCredit", r.initialCredit());
    UpstreamCredential credential = r.credential();
    if (credential != null) {
      json.put("credential", credential(credential));
    }
    return json;
  }

  private static ProxyRequest readRequest(JsonObject h, Buffer body) {
    JsonObject c = h.getJsonObject("credential");
    UpstreamCredential credential = c == null ? null : credential(c);
    return ProxyRequest.builder().provider(h.getString("provider")).operation(h.getString("operation"))
        .method(h.getString("method")).path(h.getString("path")).query(h.getString("query"))
        .headers(headers(h.getJsonArray("headers"))).body(body == null ? Buffer.buffer() : body).credential(credential)
        .proxyId(h.getString("proxyId")).requestId(h.getString("requestId")).model(h.getString("model"))
        .timeoutMs(h.getLong("timeoutMs")).stream(h.getString("streamAddress"), h.getInteger("initialCredit"))
        .build();
  }

  private static JsonObject credential(UpstreamCredential credential) {
    return new JsonObject()
        .put("apiKey", credential.apiKey())
        .put("baseUrl", credential.baseUrl())
        .put("extraHeaders", new JsonObject(new HashMap<>(credential.extraHeaders())))
        .put("serverSide", credential.serverSide())
        .put("keyId", credential.keyId())
        .put("weight", credential.weight());
  }

  private static UpstreamCredential credential(JsonObject c) {
    return new UpstreamCredential(c.getString("apiKey"), c.getString("baseUrl"), strings(c.getJsonObject("extraHeaders")),
        c.getBoolean("serverSide", false), c.getString("keyId"), c.getInteger("weight", 1));
  }

  private static Map<String, String> strings(JsonObject json) {
    Map<String, String> map = new HashMap<>();
    if (json != null) {
      json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return map;
  }

  private static JsonObject principal(Principal p) {
    JsonObject credentials = new JsonObject();
    p.credentials().forEach((provider, keys) -> {
      JsonArray array = new JsonArray();
      keys.forEach(key -> array.add(credential(key)));
      credentials.put(provider, array);
    });
    return new JsonObject()
        .put("id", p.id())
        .put("kind", p.kind().name())
        .put("name", p.name())
        .put("proxies", new JsonArray(new ArrayList<>(p.allowedProxyIds())))
        .put("credentials", credentials)
        .put("expiresAt", p.expiresAtMillis());
  }

  private static Principal principal(JsonObject h) {
    Map<String, List<UpstreamCredential>> credentials = new HashMap<>();
    h.getJsonObject("credentials", new JsonObject()).forEach(e -> {
      List<UpstreamCredential> keys = new ArrayList<>();
      if (e.getValue() instanceof JsonArray array) {
        array.forEach(key -> keys.add(credential((JsonObject) key)));
      } else {
        // An auth-service from before several keys per provider sent one object.
        keys.add(credential((JsonObject) e.getValue()));
      }
      credentials.put(e.getKey(), keys);
    });
    List<String> proxies = new ArrayList<>();
    h.getJsonArray("proxies", new JsonArray()).forEach(id -> proxies.add(String.valueOf(id)));
    return new Principal(h.getString("id"), Principal.Kind.valueOf(h.getString("kind")), h.getString("name"), proxies,
        credentials, h.getLong("expiresAt", 0L));
  }

  private static JsonArray headers(MultiMap headers) {
    JsonArray array = new JsonArray();
    if (headers != null) {
      headers.forEach(e -> array.add(e.getKey()).add(e.getValue()));
    }
    return array;
  }

  private static MultiMap headers(JsonArray array) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (array != null) {
      for (int i = 0; i + 1 < array.size(); i += 2) {
        headers.add(array.getString(i), array.getString(i + 1));
      }
    }
    return headers;
  }

  /** The END frame's header: its usage, and {@code "failed": true} only when it ended in error. */
  private static JsonObject end(StreamFrame.End end) {
    JsonObject json = new JsonObject().put("usage", usage(end.usage()));
    if (end.failed()) {
      json.put("failed", true);
    }
    return json;
  }

  private static JsonObject usage(Usage usage) {
    if (usage == null) {
      return null;
    }
    JsonObject json = new JsonObject().put("model", usage.model()).put("in", usage.inputTokens())
        .put("out", usage.outputTokens());
    // Only what the provider reported: most answers carry no cache or reasoning counts.
    if (usage.cachedInputTokens() >= 0) {
      json.put("cached", usage.cachedInputTokens());
    }
    if (usage.cacheWriteTokens() >= 0) {
      json.put("cacheWrite", usage.cacheWriteTokens());
    }
    if (usage.reasoningTokens() >= 0) {
      json.put("reasoning", usage.reasoningTokens());
    }
    return json;
  }

  private static Usage usage(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new Usage(json.getString("model"), json.getLong("in", -1L), json.getLong("out", -1L),
        json.getLong("cached", -1L), json.getLong("cacheWrite", -1L), json.getLong("reasoning", -1L));
  }

  private static JsonObject error(GatewayError e) {
    JsonObject json = new JsonObject().put("kind", e.kind().name()).put("message", e.message()).put("param", e.param());
    if (e.retrySafe()) {
      json.put("retrySafe", true);
    }
    return json;
  }

  private static GatewayError error(JsonObject json) {
    return new GatewayError(ErrorKind.valueOf(json.getString("kind")), json.getString("message"),
        json.getString("param"), json.getBoolean("retrySafe", false));
  }
}
