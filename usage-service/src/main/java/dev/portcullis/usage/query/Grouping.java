package dev.portcullis.usage.query;

import dev.portcullis.common.usage.UsageRecord;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a usage report groups its records ({@code by=}): the SQL expressions of a group's key
 * (selected first, in this order, and grouped by) and the label the report shows for it.
 *
 * <p>Time groups are whole UTC days or hours, bucketed in SQL by integer division of
 * {@code time_ms} ({@code BIGINT / INT} divides as integers, to a {@code BIGINT}, in H2 and
 * PostgreSQL alike).
 */
public enum Grouping {

  /** {@code 2026-12-02}. */
  DAY("time_ms / 86400000") {
    @Override
    String label(Row row) {
      return LocalDate.ofEpochDay(bucket(row)).toString();
    }

    @Override
    long bucket(UsageRecord record) {
      return Math.floorDiv(record.timeMillis(), 86_400_000L);
    }

    @Override
    String label(UsageRecord record) {
      return LocalDate.ofEpochDay(bucket(record)).toString();
    }
  },
  /** {@code 2026-12-02T09:00Z}. */
  HOUR("time_ms / 3600000") {
    @Override
    String label(Row row) {
      return HOUR_LABEL.format(Instant.ofEpochSecond(bucket(row) * 3600));
    }

    @Override
    long bucket(UsageRecord record) {
      return Math.floorDiv(record.timeMillis(), 3_600_000L);
    }

    @Override
    String label(UsageRecord record) {
      return HOUR_LABEL.format(Instant.ofEpochSecond(bucket(record) * 3600));
    }
  },
  /** {@code virtual_key:<id>}, {@code oauth_client:<id>}, {@code passthrough:<hash>}, {@code server_identity}, {@code none}. */
  KEY("caller_kind", "caller_id") {
    @Override
    String label(Row row) {
      return caller(row.getString(0), row.getString(1));
    }

    @Override
    String label(UsageRecord record) {
      return caller(record.callerKind().wire(), record.callerId());
    }
  },
  /**
   * {@code openai:gpt-4o-mini}: the provider and the model that answered, or the one asked for
   * when none is known ({@code openai:} when neither is).
   */
  MODEL("provider", "COALESCE(answered_model, requested_model)") {
    @Override
    String label(Row row) {
      return model(row.getString(0), row.getString(1));
    }

    @Override
    String label(UsageRecord record) {
      return model(record.provider(), record.answeredModel() != null ? record.answeredModel() : record.requestedModel());
    }
  },
  /** {@code openai}. */
  PROVIDER("provider") {
    @Override
    String label(Row row) {
      return row.getString(0);
    }

    @Override
    String label(UsageRecord record) {
      return record.provider();
    }
  },
  /** The LLM proxy's id; {@code none} for calls that named none. */
  PROXY("llm_proxy_id") {
    @Override
    String label(Row row) {
      return proxy(row.getString(0));
    }

    @Override
    String label(UsageRecord record) {
      return proxy(record.llmProxyId());
    }
  };

  private static String caller(String kind, String id) {
    return id == null ? kind : kind + ":" + id;
  }

  private static String model(String provider, String model) {
    return provider + ":" + (model == null ? "" : model);
  }

  private static String proxy(String id) {
    return id == null ? "none" : id;
  }

  private static final DateTimeFormatter HOUR_LABEL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String[] columns;

  Grouping(String... columns) {
    this.columns = columns;
  }

  /** {@code day}, {@code hour}, ...: as {@code by=} names it. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The grouping {@code by=} names, or null when it is absent.
   *
   * @throws UsageRequestException for anything but a grouping's name
   */
  public static Grouping parse(String by) {
    if (by == null) {
      return null;
    }
    for (Grouping grouping : values()) {
      if (grouping.wire().equals(by)) {
        return grouping;
      }
    }
    throw new UsageRequestException("by must be one of " + Arrays.stream(values()).map(Grouping::wire)
        .collect(Collectors.joining(", ")) + ", not " + UsageRequestException.shown(by), "by");
  }

  /** The key's SQL expressions, comma-separated: selected first and grouped by. */
  String columns() {
    return String.join(", ", columns);
  }

  /** How many columns of a row the key takes. */
  int width() {
    return columns.length;
  }

  /** The label of the group whose key a row starts with. */
  abstract String label(Row row);

  /** The label of the group a stored record ({@code UsageStore.asStored}) falls in: as its row's would be. */
  abstract String label(UsageRecord record);

  /** Where a record's group sorts, as {@link #bucket(Row)}. */
  long bucket(UsageRecord record) {
    return 0;
  }

  /** Where a group sorts: its bucket for time groups (chronological), 0 for the others (by label). */
  long bucket(Row row) {
    return this == DAY || this == HOUR ? ((Number) row.getValue(0)).longValue() : 0;
  }
}
