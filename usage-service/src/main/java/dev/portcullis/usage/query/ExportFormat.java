package dev.portcullis.usage.query;

import java.util.Locale;

/** How the export writes records ({@code format=}): CSV with a header row, or one JSON object per line. */
public enum ExportFormat {

  CSV("text/csv; charset=utf-8", "csv"),
  JSONL("application/x-ndjson", "jsonl");

  private final String contentType;
  private final String extension;

  ExportFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  public String contentType() {
    return contentType;
  }

  public String extension() {
    return extension;
  }

  /**
   * The format {@code format=} names.
   *
   * @throws UsageRequestException when it is absent or names no format
   */
  public static ExportFormat parse(String format) {
    if (format == null) {
      throw new UsageRequestException("format is required: csv or jsonl", "format");
    }
    for (ExportFormat candidate : values()) {
      if (candidate.extension.equals(format)) {
        return candidate;
      }
    }
    throw new UsageRequestException("format must be csv or jsonl, not " + UsageRequestException.shown(format),
        "format");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
