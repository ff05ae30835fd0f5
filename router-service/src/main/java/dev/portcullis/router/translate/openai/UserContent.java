package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.error.GatewayError;
import java.util.function.Function;

/**
 * The content of an OpenAI user message, walked the same way for every native translation: a
 * string (or nothing) is one text block; in an array, text parts become the target's text blocks
 * and every other part goes to the target's own mapping, which refuses what it cannot carry.
 */
public final class UserContent {

  /** Maps one non-text part to the target's block, or throws a 400 naming the part. */
  @FunctionalInterface
  public interface PartMapping {
    JsonNode map(JsonNode part, String type, String partPath, int index);
  }

  private UserContent() {}

  public static ArrayNode translate(JsonNode content, String path, Function<String, ObjectNode> textBlock,
      PartMapping others) {
    ArrayNode blocks = Json.array();
    if (content == null || content.isNull() || content.isTextual()) {
      blocks.add(textBlock.apply(content == null ? "" : content.asText()));
      return blocks;
    }
    if (!content.isArray()) {
      throw GatewayError.invalidRequest(path + " must be a string or an array of parts", path).toException();
    }
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      String type = Json.text(part, "type");
      if ("text".equals(type)) {
        blocks.add(textBlock.apply(part.path("text").asText()));
      } else {
        blocks.add(others.map(part, type, path + "[" + i + "]", i));
      }
    }
    return blocks;
  }

  /** The image of an {@code image_url} part as given, data URL or http(s) URL. */
  public static String imageUrl(JsonNode part) {
    return part.path("image_url").path("url").asText(null);
  }

  /**
   * The image of an {@code image_url} part when it is a base64 data URL. An http(s) URL is a 400:
   * the router does no I/O, so it cannot fetch the image for a provider that cannot either.
   */
  public static DataUrl inlineImage(JsonNode part, String partPath, String provider) {
    String url = imageUrl(part);
    if (!DataUrl.isDataUrl(url)) {
      throw GatewayError.invalidRequest(
          partPath + ": " + provider + " cannot fetch image URLs; send the image as a base64 data URL",
          partPath).toException();
    }
    return DataUrl.parse(url, partPath + ".image_url.url");
  }

  /** The data of a {@code file} part sent inline; a file id is a 400 (nothing here can resolve it). */
  public static DataUrl inlineFile(JsonNode part, String partPath, String provider) {
    String fileData = Json.text(part.get("file"), "file_data");
    if (fileData == null) {
      throw GatewayError.invalidRequest(
          partPath + ": only inline files (file.file_data) can be sent to " + provider + ", not file ids",
          partPath).toException();
    }
    return DataUrl.parse(fileData, partPath + ".file.file_data");
  }
}
