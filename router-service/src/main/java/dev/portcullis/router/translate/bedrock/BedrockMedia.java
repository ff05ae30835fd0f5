package dev.portcullis.router.translate.bedrock;

import dev.portcullis.common.error.GatewayError;
import java.util.Map;

/**
 * Bedrock names media by format ({@code png}, {@code pdf}), not by mime type; a type Converse
 * cannot take is a 400 on the content part.
 */
final class BedrockMedia {

  private static final Map<String, String> IMAGE_FORMATS =
      Map.of("image/png", "png", "image/jpeg", "jpeg", "image/jpg", "jpeg", "image/gif", "gif", "image/webp", "webp");

  private static final Map<String, String> DOCUMENT_FORMATS = Map.of(
      "application/pdf", "pdf",
      "text/csv", "csv",
      "application/msword", "doc",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
      "application/vnd.ms-excel", "xls",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
      "text/html", "html",
      "text/plain", "txt",
      "text/markdown", "md");

  private BedrockMedia() {}

  static String imageFormat(String mimeType, String path) {
    String format = IMAGE_FORMATS.get(mimeType);
    if (format == null) {
      throw GatewayError.invalidRequest(
          path + ": image type " + mimeType + " cannot be sent to Bedrock (png, jpeg, gif, webp can)",
          path).toException();
    }
    return format;
  }

  static String documentFormat(String mimeType, String path) {
    String format = DOCUMENT_FORMATS.get(mimeType);
    if (format == null) {
      throw GatewayError.invalidRequest(
          path + ": file type " + mimeType + " cannot be sent to Bedrock (pdf, csv, doc, docx, xls, xlsx, html, txt, md can)",
          path).toException();
    }
    return format;
  }

  /**
   * Bedrock document names allow only letters, digits, single spaces, hyphens, parentheses and
   * square brackets; anything else becomes a hyphen.
   */
  static String documentName(String filename, String fallback) {
    if (filename == null || filename.isBlank()) {
      return fallback;
    }
    int dot = filename.lastIndexOf('.');
    String base = dot > 0 ? filename.substring(0, dot) : filename;
    String cleaned = base.replaceAll("[^A-Za-z0-9 ()\\[\\]-]", "-").replaceAll("\\s+", " ").trim();
    return cleaned.isEmpty() ? fallback : cleaned;
  }
}
