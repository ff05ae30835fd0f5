package dev.portcullis.policy.answer;

import static dev.portcullis.policy.answer.RedactSamples.AWS_PIECES;
import static dev.portcullis.policy.answer.RedactSamples.BLOCK;
import static dev.portcullis.policy.answer.RedactSamples.EMAIL_PIECES;
import static dev.portcullis.policy.answer.RedactSamples.EMAIL_REDACTED;
import static dev.portcullis.policy.answer.RedactSamples.LOG;
import static dev.portcullis.policy.answer.RedactSamples.PHONE_PIECES;
import static dev.portcullis.policy.answer.RedactSamples.PLAIN_PIECES;
import static dev.portcullis.policy.answer.RedactSamples.REDACT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.stream.eventstream.EventStreamDecoder;
import dev.portcullis.common.stream.eventstream.EventStreamFrame;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import dev.portcullis.policy.answer.redact.BedrockConverseRedactGate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

class BedrockConverseRedactGateTest {

  private static BedrockRuntimeAsyncClient sdk;
  private static CannedHttpServer server;
  private static volatile byte[] served = new byte[0];

  @BeforeAll
  static void startSdk() {
    server = CannedHttpServer.serving("application/vnd.amazon.eventstream", () -> served);
    sdk = BedrockRuntimeAsyncClient.builder()
        .endpointOverride(URI.create(server.url("")))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(NettyNioAsyncHttpClient.builder().build())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterAll
  static void stopSdk() {
    sdk.close();
    server.close();
  }

  /** A text block in the given pieces, then a tool call, as Bedrock streams them. */
  private static Buffer stream(List<String> pieces) {
    return BedrockStreamFixture.begin().text(pieces.toArray(String[]::new))
        .toolUse("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "get_weather", "{\"city\":", "\"Paris\"}").stop("tool_use").body();
  }

  private static BedrockConverseRedactGate gate(RedactSamples.Heard heard) {
    return new BedrockConverseRedactGate(BLOCK, REDACT, LOG, heard);
  }

  /** The text of each block as the AWS SDK v2 reads the stream, and the tool input. */
  private static Map<Integer, String> throughTheSdk(Buffer out) {
    served = out.getBytes();
    Map<Integer, StringBuilder> text = new TreeMap<>();
    List<String> unknown = new ArrayList<>();
    ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
            .onContentBlockStart(start -> text.computeIfAbsent(start.contentBlockIndex(), i -> new StringBuilder())
                .append(start.start().toolUse().name()).append(' '))
            .onContentBlockDelta(delta -> text.computeIfAbsent(delta.contentBlockIndex(), i -> new StringBuilder())
                .append(delta.delta().text() != null ? delta.delta().text() : delta.delta().toolUse().input()))
            .onMessageStart(start -> { })
            .onContentBlockStop(stop -> { })
            .onMessageStop(stop -> { })
            .onMetadata(metadata -> { })
            .onDefault(event -> unknown.add(String.valueOf(event)))
            .build())
        .build();
    try {
      sdk.converseStream(ConverseStreamRequest.builder().modelId("anthropic.claude-3-5-sonnet-20240620-v1:0")
          .messages(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Hi")).build())
          .build(), handler).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    assertThat(unknown).isEmpty();
    Map<Integer, String> texts = new TreeMap<>();
    text.forEach((i, t) -> texts.put(i, t.toString()));
    return texts;
  }

  private static List<EventStreamMessage> frames(Buffer out) {
    List<EventStreamMessage> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frame -> frames.add(frame.message()));
    decoder.feed(out);
    decoder.end();
    return frames;
  }

  @Test
  void anEmailSplitAcrossDeltasIsRedactedInWhatTheClientAccumulates() {
    RedactSamples.Heard heard = new RedactSamples.Heard();
    BedrockConverseRedactGate gate = gate(heard);

    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(stream(EMAIL_PIECES)));

    RedactSamples.assertNoSecret(out);
    assertThat(throughTheSdk(out)).containsExactly(Map.entry(0, EMAIL_REDACTED),
        Map.entry(1, "get_weather {\"city\":\"Paris\"}"));
    RedactSamples.assertCounts(gate, Map.of("email", 1), Map.of(), null);
    assertThat(heard.findings).containsExactly("redact email");
    // Held text goes out before the block's stop; rewritten deltas keep Bedrock's padding field.
    List<EventStreamMessage> frames = frames(out);
    int stop = 0;
    while (!"contentBlockStop".equals(frames.get(stop).eventType())) {
      stop++;
    }
    JsonObject lastDelta = new JsonObject(frames.get(stop - 1).payload());
    assertThat(lastDelta.getJsonObject("delta").getString("text")).endsWith("Thanks.");
    assertThat(frames).filteredOn(f -> "contentBlockDelta".equals(f.eventType()))
        .allSatisfy(f -> assertThat(new JsonObject(f.payload()).getJsonObject("delta").getValue("text")).isNotEqualTo(""));
  }

  @Test
  void everySplitOfTheStreamGivesTheSameOutput() {
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(stream(EMAIL_PIECES), () -> gate(null));
    assertThat(throughTheSdk(out)).containsEntry(0, EMAIL_REDACTED);
  }

  @Test
  void aPhoneNumberToLogPassesUntouchedAndIsCounted() {
    BedrockConverseRedactGate gate = gate(null);
    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(stream(PHONE_PIECES)));
    assertThat(throughTheSdk(out)).containsEntry(0, String.join("", PHONE_PIECES));
    RedactSamples.assertCounts(gate, Map.of(), Map.of("phone", 1), null);
  }

  @Test
  void anAwsKeyToBlockEndsTheStreamWithAnExceptionFrame() {
    Buffer body = stream(AWS_PIECES);
    BedrockConverseRedactGate gate = gate(null);

    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    ResponsesCohereBedrockTesting.run(gate, List.of(body));

    RedactSamples.assertNoSecret(out);
    List<EventStreamMessage> frames = frames(out);
    EventStreamMessage last = frames.get(frames.size() - 1);
    assertThat(last.messageType()).isEqualTo("exception");
    assertThat(last.exceptionType()).isEqualTo("validationException");
    assertThat(new JsonObject(last.payload()).getString("message")).contains("aws-access-key");
    assertThat(frames).extracting(EventStreamMessage::eventType).doesNotContain("contentBlockStart", "messageStop");
    RedactSamples.assertCounts(gate, Map.of(), Map.of(), "aws-access-key");
    assertThatThrownBy(() -> throughTheSdk(out)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("aws-access-key");
  }

  @Test
  void aStreamWithNothingToFindGivesTheSameAnswer() {
    Buffer body = stream(PLAIN_PIECES);
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    assertThat(throughTheSdk(out)).isEqualTo(throughTheSdk(body))
        .containsEntry(0, String.join("", PLAIN_PIECES));
  }
}
