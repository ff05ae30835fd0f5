package dev.portcullis.router.translate.openai;

import dev.portcullis.common.error.GatewayError;
import java.util.Locale;

/** A {@code data:<mime>;base64,<data>} URL, as OpenAI clients send inline images and files. */
public record DataUrl(String mimeType, String base64Data) {

  public static boolean isDataUrl(String url) {
    return url != null && url.regionMatches(true, 0, "data:", 0, 5);
  }

  public static boolean isHttpUrl(String url) {
    if (url == null) {
      return false;
    }
    String lower = url.toLowerCase(Locale.ROOT);
    return lower.startsWith("https://") || lower.startsWith("http://");
  }

  /** Parses a base64 data URL; anything else is a 400 naming {@code path}. */
  public static DataUrl parse(String url, String path) {
    int comma = url.indexOf(',');
    String header = comma < 0 ? "" : url.substring(5, comma);
    if (comma < 0 || !header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
      throw GatewayError.invalidRequest(
          path + " must be a base64 data URL (data:<mime type>;base64,<data>)", path).toException();
    }
    String mime = header.substring(0, header.length() - ";base64".length()).trim();
    if (mime.isEmpty()) {
      throw GatewayError.invalidRequest(path + " data URL has no mime type", path).toException();
    }
    return new DataUrl(mime.toLowerCase(Locale.ROOT), url.substring(comma + 1));
  }
}
