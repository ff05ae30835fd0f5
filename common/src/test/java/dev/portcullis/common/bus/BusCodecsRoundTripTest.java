package dev.portcullis.common.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.stream.bus.StreamControl;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.usage.UsageLines;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every message type survives a real encode to bytes and decode, as it would across the cluster. */
class BusCodecsRoundTripTest {

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) {
    BusCodec<T> codec = (BusCodec<T>) BusCodecs.all().stream()
        .filter(c -> c.type() == value.getClass()).findFirst().orElseThrow();
    Buffer wire = Buffer.buffer("prefix-from-the-event-bus");
    int pos = wire.length();
    codec.encodeToWire(wire, value);
    return codec.decodeFromWire(pos, wire);
  }

  @Test
  void proxyRequestKeepsEveryFieldAndTheRawBodyBytes() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", "Bearer sk-x").add("OpenAI-Project", "p1").add("X-Multi", "a").add("X-Multi", "b");
    byte[] raw = "{\"model\":\"gpt\",\"messages\":[{\"content\":\"h\u00e9 \\u0000\"}]}".getBytes(StandardCharsets.UTF_8);
    ProxyRequest request = ProxyRequest.builder().provider("openai").operation("chat.completions").method("POST")
        .path("/chat/completions").query("a=1&b=2").headers(headers).body(Buffer.buffer(raw))
        .credential(new UpstreamCredential("sk-secret", "http://h:1/v1", Map.of("X-Extra", "1"), true))
        .proxyId("0b5e0c9e-4b0e-4a7e-9f37-1a2b3c4d5e6f").requestId("req-1").model("gpt").timeoutMs(1234)
        .stream("portcullis.stream.abc", 16).build();

    ProxyRequest copy = roundTrip(request);

    assertThat(copy.body().getBytes()).isEqualTo(raw);
    assertThat(copy.headers().getAll("x-multi")).containsExactly("a", "b");
    assertThat(copy.headers().get("authorization")).isEqualTo("Bearer sk-x");
    assertThat(copy.credential()).isEqualTo(request.credential());
    assertThat(copy).usingRecursiveComparison().ignoringFields("headers", "body").isEqualTo(request);
  }

  @Test
  void usageLinesCrossTheClusterAsTheirBytesAndAreTakenOnce() {
    String lines = "{\"id\":\"req_1\",\"model\":\"h\u00e9\"}\n{\"id\":\"req_2\"}\n";
    UsageLines copy = roundTrip(new UsageLines(lines));
    assertThat(copy.take()).isEqualTo(lines.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(copy.take()).as("the ledger takes the lines; nothing keeps them for the answer").isNull();
    assertThat(roundTrip(copy).take()).isEmpty();
  }

  @Test
  void responsesErrorsAndFramesRoundTrip() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("x-request-id", "r1");
    ProxyResponse response = new ProxyResponse(201, headers, Buffer.buffer(new byte[] {0, 1, 2, (byte) 0xff}),
        new Usage("gpt-4o", 10, 5));
    ProxyResponse responseCopy = roundTrip(response);
    assertThat(responseCopy.status()).isEqualTo(201);
    assertThat(responseCopy.body().getBytes()).containsExactly(0, 1, 2, 0xff);
    assertThat(responseCopy.usage()).isEqualTo(response.usage());
    assertThat(responseCopy.headers().get("X-Request-Id")).isEqualTo("r1");

    GatewayError error = new GatewayError(ErrorKind.PAYLOAD_TOO_LARGE, "too big", "body");
    assertThat(roundTrip(error)).isEqualTo(error);

    StreamFrame.Head head = new StreamFrame.Head(200, headers, "portcullis.stream.ctl");
    StreamFrame.Head headCopy = roundTrip(head);
    assertThat(headCopy.controlAddress()).isEqualTo("portcullis.stream.ctl");
    assertThat(headCopy.headers().get("x-request-id")).isEqualTo("r1");

    assertThat(roundTrip(new StreamFrame.Data(Buffer.buffer("data: {}\n\n"))).bytes().toString()).isEqualTo("data: {}\n\n");
    assertThat(roundTrip(new StreamFrame.End(new Usage(null, 3, -1)))).isEqualTo(new StreamFrame.End(new Usage(null, 3, -1)));
    assertThat(roundTrip(new StreamFrame.End(new Usage(null, 3, -1))).failed()).isFalse();
    assertThat(roundTrip(StreamFrame.End.failed(new Usage("m", 3, 4)))).isEqualTo(new StreamFrame.End(new Usage("m", 3, 4), true));
    assertThat(roundTrip(new StreamFrame.Failure(error))).isEqualTo(new StreamFrame.Failure(error));
    assertThat(roundTrip(new StreamControl.Credit(7))).isEqualTo(new StreamControl.Credit(7));
    assertThat(roundTrip(new StreamControl.Cancel("client gone"))).isEqualTo(new StreamControl.Cancel("client gone"));
  }

  @Test
  void localDeliveryPassesTheSameObject() {
    ProxyResponse response = new ProxyResponse(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("x"), null);
    @SuppressWarnings("unchecked")
    BusCodec<ProxyResponse> codec = (BusCodec<ProxyResponse>) BusCodecs.all().stream()
        .filter(c -> c.type() == ProxyResponse.class).findFirst().orElseThrow();
    assertThat(codec.transform(response)).isSameAs(response);
  }

  @Test
  void credentialNeverShowsItsKeyInToString() {
    UpstreamCredential credential = new UpstreamCredential("sk-very-secret", null, null);
    assertThat(credential.toString()).doesNotContain("sk-very-secret");
  }
}
