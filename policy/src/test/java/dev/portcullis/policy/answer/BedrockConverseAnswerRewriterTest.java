package dev.portcullis.policy.answer;

import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.BLOCKED_TOOL;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.MESSAGE;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.blocking;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.RecordingJudge;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

class BedrockConverseAnswerRewriterTest {

  private static final JsonObject SECRET_INPUT = new JsonObject().put("path", "/srv/SECRET-PATH");

  private static Vertx vertx;
  private static HttpServer server;
  private static volatile Buffer served;
  private static BedrockRuntimeClient sdk;
  private final BedrockConverseAnswerRewriter rewriter = new BedrockConverseAnswerRewriter();

  @BeforeAll
  static void startServer() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body ->
        request.response().putHeader("content-type", "application/json").end(served)))
        .listen(0, "127.0.0.1").await();
    sdk = BedrockRuntimeClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.actualPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterAll
  static void stopServer() {
    sdk.close();
    server.close().await();
    vertx.close().await();
  }

  private static ConverseResponse throughTheSdk(Buffer body) {
    served = body;
    return sdk.converse(r -> r.modelId("anthropic.claude-3-5-sonnet-20240620-v1:0")
        .messages(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Hi")).build()));
  }

  private static JsonObject toolUse(String id, String name, JsonObject input) {
    return new JsonObject().put("toolUse", new JsonObject().put("toolUseId", id).put("name", name).put("input", input));
  }

  /** A Converse answer as Bedrock returns it. */
  private static Buffer answer(String stopReason, JsonObject... content) {
    return new JsonObject()
        .put("output", new JsonObject().put("message", new JsonObject().put("role", "assistant")
            .put("content", new JsonArray(List.of((Object[]) content)))))
        .put("stopReason", stopReason)
        .put("usage", new JsonObject().put("inputTokens", 412).put("outputTokens", 97).put("totalTokens", 509))
        .put("metrics", new JsonObject().put("latencyMs", 1325)).toBuffer();
  }

  @Test
  void anAllowedCallLeavesTheVeryBodyUntouched() {
    Buffer body = answer("tool_use", new JsonObject().put("text", "Checking."),
        toolUse("tooluse_1", "get_weather", new JsonObject().put("city", "Paris")));
    RecordingJudge judge = blocking();

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(rewritten.body()).isSameAs(body);
    assertThat(rewritten.blockedCalls()).isZero();
    assertThat(judge.asked).containsExactly(List.of("get_weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void aBlockedCallBecomesATextBlockAndTheAnswerAnEndedTurn() {
    Buffer body = answer("tool_use", new JsonObject().put("text", "I will clean up."),
        toolUse("tooluse_SECRETID", BLOCKED_TOOL, SECRET_INPUT));
    RecordingJudge judge = blocking();

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, "{\"path\":\"/srv/SECRET-PATH\"}"));
    JsonObject json = new JsonObject(rewritten.body());
    assertThat(json.getString("stopReason")).isEqualTo("end_turn");
    assertThat(json.getJsonObject("output").getJsonObject("message").getJsonArray("content")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("text", "I will clean up.")).add(new JsonObject().put("text", MESSAGE)));
    assertThat(text(rewritten.body())).doesNotContain(BLOCKED_TOOL, "SECRET", "toolUse");
    ConverseResponse response = throughTheSdk(rewritten.body());
    assertThat(response.stopReasonAsString()).isEqualTo("end_turn");
    assertThat(response.output().message().content()).extracting(ContentBlock::text)
        .containsExactly("I will clean up.", MESSAGE);
    assertThat(response.usage().inputTokens()).isEqualTo(412);
  }

  @Test
  void ofTwoParallelCallsOnlyTheBlockedOneIsReplaced() {
    Buffer body = answer("tool_use", toolUse("tooluse_1", "get_weather", new JsonObject().put("city", "Paris")),
        toolUse("tooluse_SECRETID", BLOCKED_TOOL, SECRET_INPUT));

    Rewritten rewritten = rewriter.rewrite(body, blocking());

    ConverseResponse response = throughTheSdk(rewritten.body());
    assertThat(response.stopReasonAsString()).isEqualTo("tool_use");
    assertThat(response.output().message().content().get(0).toolUse().name()).isEqualTo("get_weather");
    assertThat(response.output().message().content().get(1).text()).isEqualTo(MESSAGE);
    assertThat(text(rewritten.body())).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void aCallWithFieldsNotAsDocumentedIsStillJudged() {
    RecordingJudge judge = new RecordingJudge("");
    Buffer body = Buffer.buffer("{\"output\":{\"message\":{\"content\":[{\"toolUse\":{\"input\":\"nope\"}}]}}}");

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(judge.asked).containsExactly(List.of("", "{}"));
    assertThat(rewritten.blockedCalls()).isEqualTo(1);
  }

  @Test
  void malformedAnswersAreReturnedUnchanged() {
    for (String junk : List.of("", "{\"message\":\"ValidationException\"}", "{\"output\":{}}",
        "{\"output\":{\"message\":{\"content\":[1,\"x\",null]}}}", "[{\"toolUse\":{}}]")) {
      Buffer body = Buffer.buffer(junk);
      assertThat(rewriter.rewrite(body, blocking()).body()).as(junk).isSameAs(body);
    }
  }

  @Test
  void withoutABlockingRuleTheBodyIsNotRead() {
    Buffer body = Buffer.buffer("not json");

    assertThat(rewriter.rewrite(body, ToolCallJudge.ALLOW_ALL).body()).isSameAs(body);
  }
}
