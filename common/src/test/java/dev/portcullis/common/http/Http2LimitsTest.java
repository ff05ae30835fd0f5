package dev.portcullis.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.settings.Settings;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** HTTP/2 is bounded as HTTP/1.1 is, and its responses never carry a connection-specific header. */
class Http2LimitsTest {

  @Test
  void http2SettingsMirrorTheHttp11Limits() {
    ServerLimits limits = ServerLimits.from(new Settings(new JsonObject().put(ServerLimits.MAX_HEADER_BYTES, "16384")));

    Http2Settings settings = limits.http2Settings();

    assertThat(settings.getMaxHeaderListSize()).isEqualTo(16384);
    assertThat(settings.getMaxConcurrentStreams()).isEqualTo(ServerLimits.HTTP2_MAX_CONCURRENT_STREAMS);
    assertThat(settings.getInitialWindowSize()).isEqualTo(ServerLimits.HTTP2_INITIAL_WINDOW);
    HttpServerOptions withHttp2 = limits.applyWithHttp2To(new HttpServerOptions(), 1000);
    assertThat(withHttp2.isHttp2ClearTextEnabled()).isTrue();
    assertThat(withHttp2.getInitialSettings().getMaxHeaderListSize()).isEqualTo(16384);
    assertThat(withHttp2.getMaxHeaderSize()).isEqualTo(16384);
    // The admin API and metrics stay HTTP/1.1 only.
    assertThat(limits.applyTo(new HttpServerOptions(), 1000).isHttp2ClearTextEnabled()).isFalse();
  }

  @Test
  void everyConnectionSpecificHeaderIsDroppedFromAnHttp2Response() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "close, X-Hop").add("Keep-Alive", "timeout=5").add("Proxy-Connection", "keep-alive")
        .add("Transfer-Encoding", "chunked").add("Upgrade", "h2c").add("TE", "trailers").add("X-Hop", "1")
        .add("content-type", "application/json").add("x-request-id", "abc");

    Http2Requests.dropHopByHop(headers);

    assertThat(headers.names()).containsExactlyInAnyOrder("content-type", "x-request-id");
  }

  @Test
  void forwardedResponseHeadersLeaveEveryHopByHopHeaderBehind() {
    MultiMap upstream = MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "keep-alive").add("Keep-Alive", "timeout=5").add("Proxy-Connection", "keep-alive")
        .add("Transfer-Encoding", "chunked").add("Upgrade", "h2c").add("TE", "trailers")
        .add("content-type", "text/event-stream");

    assertThat(ForwardedHeaders.downstream(upstream).names()).containsExactly("content-type");
  }
}
