package dev.portcullis.policy.answer;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a gate gave the client with the official OpenAI and Anthropic Java SDKs, through
 * their HTTP clients and stream parsers, as an application would: served from a local server,
 * parsed, validated (every required field present and of its type) and accumulated.
 */
final class OfficialSdks {

  private OfficialSdks() {}

  static ChatCompletion openAiCompletion(String body) {
    try (CannedHttpServer server = CannedHttpServer.serving("application/json", bytes(body))) {
      OpenAIClient client = openAi(server);
      return client.chat().completions().create(openAiParams()).validate();
    }
  }

  /** Every chunk of the stream, validated, then the completion the SDK's accumulator builds from them. */
  static OpenAiStream openAiStream(String body) {
    try (CannedHttpServer server = CannedHttpServer.serving("text/event-stream", bytes(body))) {
      OpenAIClient client = openAi(server);
      ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
      List<ChatCompletionChunk> chunks = new ArrayList<>();
      try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(openAiParams())) {
        stream.stream().forEach(chunk -> {
          chunks.add(chunk.validate());
          accumulator.accumulate(chunk);
        });
      }
      return new OpenAiStream(chunks, accumulator.chatCompletion().validate());
    }
  }

  record OpenAiStream(List<ChatCompletionChunk> chunks, ChatCompletion completion) {}

  static Message anthropicMessage(String body) {
    try (CannedHttpServer server = CannedHttpServer.serving("application/json", bytes(body))) {
      return anthropic(server).messages().create(anthropicParams()).validate();
    }
  }

  /** Every event of the stream, validated, then the message the SDK's accumulator builds from them. */
  static AnthropicStream anthropicStream(String body) {
    try (CannedHttpServer server = CannedHttpServer.serving("text/event-stream", bytes(body))) {
      MessageAccumulator accumulator = MessageAccumulator.create();
      List<RawMessageStreamEvent> events = new ArrayList<>();
      try (StreamResponse<RawMessageStreamEvent> stream = anthropic(server).messages().createStreaming(anthropicParams())) {
        stream.stream().forEach(event -> {
          events.add(event.validate());
          accumulator.accumulate(event);
        });
      }
      return new AnthropicStream(events, accumulator.message().validate());
    }
  }

  record AnthropicStream(List<RawMessageStreamEvent> events, Message message) {}

  private static OpenAIClient openAi(CannedHttpServer server) {
    return OpenAIOkHttpClient.builder().baseUrl(server.url("/v1")).apiKey("sk-test").maxRetries(0).build();
  }

  private static ChatCompletionCreateParams openAiParams() {
    return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("What is the weather?").build();
  }

  private static AnthropicClient anthropic(CannedHttpServer server) {
    return AnthropicOkHttpClient.builder().baseUrl(server.url("")).apiKey("sk-ant-test").maxRetries(0).build();
  }

  private static MessageCreateParams anthropicParams() {
    return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(1024)
        .addUserMessage("What is the weather?").build();
  }

  private static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
