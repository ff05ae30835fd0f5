package dev.portcullis.app;

import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import java.util.List;
import java.util.Map;

/** OpenAI-side request pieces the model router tests share. */
final class RouterFixtures {

  /** A 1x1 transparent PNG. */
  static final String PNG_BASE64 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
  static final String PNG_DATA_URL = "data:image/png;base64," + PNG_BASE64;

  private RouterFixtures() {}

  static ChatCompletionFunctionTool weatherTool() {
    return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
        .description("Current weather of a city")
        .parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("city")))
            .build())
        .build()).build();
  }

  static List<ChatCompletionContentPart> textAndImage(String text, String imageUrl) {
    return List.of(
        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text(text).build()),
        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
            .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(imageUrl).build()).build()));
  }
}
