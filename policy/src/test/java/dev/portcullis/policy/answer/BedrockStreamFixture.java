package dev.portcullis.policy.answer;

import dev.portcullis.common.stream.eventstream.EventStreamEncoder;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A Bedrock ConverseStream answer as the service writes it: event-stream frames whose payload is
 * the event's member without a wrapper, each with the {@code p} padding field Bedrock adds (seen in
 * aws/aws-sdk-js-v3 issue 6919), text blocks without a {@code contentBlockStart}, a tool block as
 * {@code contentBlockStart} with {@code start.toolUse}, input fragments and {@code contentBlockStop}.
 */
final class BedrockStreamFixture {

  private final List<Buffer> frames = new ArrayList<>();
  private int block;

  static BedrockStreamFixture begin() {
    BedrockStreamFixture fixture = new BedrockStreamFixture();
    fixture.add("messageStart", new JsonObject().put("p", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN").put("role", "assistant"));
    return fixture;
  }

  BedrockStreamFixture text(String... pieces) {
    int index = block++;
    for (String piece : pieces) {
      add("contentBlockDelta", new JsonObject().put("contentBlockIndex", index)
          .put("delta", new JsonObject().put("text", piece)).put("p", "abcdefghijklm"));
    }
    add("contentBlockStop", new JsonObject().put("contentBlockIndex", index).put("p", "abcdefghijklmnopqrstuvw"));
    return this;
  }

  BedrockStreamFixture toolUse(String toolUseId, String name, String... inputFragments) {
    int index = block++;
    add("contentBlockStart", new JsonObject().put("contentBlockIndex", index).put("p", "abcdefghijklmnopqrstu")
        .put("start", new JsonObject().put("toolUse", new JsonObject().put("name", name).put("toolUseId", toolUseId))));
    for (String fragment : inputFragments) {
      add("contentBlockDelta", new JsonObject().put("contentBlockIndex", index)
          .put("delta", new JsonObject().put("toolUse", new JsonObject().put("input", fragment))).put("p", "abcdef"));
    }
    add("contentBlockStop", new JsonObject().put("contentBlockIndex", index).put("p", "abcdefghijklmnopqrs"));
    return this;
  }

  BedrockStreamFixture stop(String stopReason) {
    add("messageStop", new JsonObject().put("p", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ").put("stopReason", stopReason));
    add("metadata", new JsonObject().put("metrics", new JsonObject().put("latencyMs", 1325)).put("p", "abcdefghijkl")
        .put("usage", new JsonObject().put("inputTokens", 412).put("outputTokens", 97).put("totalTokens", 509)));
    return this;
  }

  List<Buffer> frames() {
    return List.copyOf(frames);
  }

  Buffer body() {
    return ResponsesCohereBedrockTesting.concat(frames);
  }

  private void add(String eventType, JsonObject payload) {
    frames.add(EventStreamEncoder.encode(EventStreamMessage.event(eventType, payload.toBuffer())));
  }
}
