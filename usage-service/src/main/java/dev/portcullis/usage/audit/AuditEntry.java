package dev.portcullis.usage.audit;

import dev.portcullis.common.audit.SecretRedactor;
import dev.portcullis.common.usage.UsageRecord;
import java.util.Optional;

/**
 * What the audit log keeps of one call, before the chain gives it its place ({@link AuditRecord}).
 * Bodies are already redacted ({@link SecretRedactor}); at level {@code metadata} they are null.
 *
 * <p>Every text is made storable as it is built: NUL and unpaired surrogates become U+FFFD.
 * PostgreSQL refuses NUL in text and a lone surrogate has no UTF-8 form, so either would be
 * stored (or hashed) as something other than what was hashed (or stored); after this the row
 * read back is the row that was hashed, on both databases.
 */
public record AuditEntry(
    String requestId,
    long timeMillis,
    String llmProxyId,
    String callerKind,
    String callerId,
    String provider,
    String operation,
    String model,
    int status,
    String outcome,
    String level,
    String requestBody,
    String responseBody,
    boolean truncated) {

  public static final String METADATA = "metadata";
  public static final String FULL = "full";

  public AuditEntry {
    requestId = storable(requestId);
    llmProxyId = storable(llmProxyId);
    callerKind = storable(callerKind);
    callerId = storable(callerId);
    provider = storable(provider);
    operation = storable(operation);
    model = storable(model);
    outcome = storable(outcome);
    level = storable(level == null ? METADATA : level);
    requestBody = storable(requestBody);
    responseBody = storable(responseBody);
  }

  /**
   * The audit entry of a ledger record, when its LLM proxy audits: the model is the one that
   * answered, or the one asked for when the answer named none. The bodies are redacted here
   * ({@link SecretRedactor}) whether or not they were before: redaction is idempotent, so a body
   * redacted already is kept as it is, and one that was not is never stored with its secrets.
   */
  public static Optional<AuditEntry> of(UsageRecord record) {
    UsageRecord.Audit audit = record.audit();
    if (audit == null) {
      return Optional.empty();
    }
    String model = record.answeredModel() != null ? record.answeredModel() : record.requestedModel();
    return Optional.of(new AuditEntry(record.id(), record.timeMillis(), record.llmProxyId(),
        record.callerKind() == null ? null : record.callerKind().wire(), record.callerId(), record.provider(),
        record.operation(), model, record.status(), record.outcome(), audit.level(),
        SecretRedactor.redact(audit.requestBody()), SecretRedactor.redact(audit.responseBody()), audit.truncated()));
  }

  /** The text with NUL and unpaired surrogates replaced by U+FFFD; the same instance when it has none. */
  static String storable(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder fixed = null;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      boolean bad;
      if (c == '\0') {
        bad = true;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          if (fixed != null) {
            fixed.append(c).append(text.charAt(i + 1));
          }
          i++;
          continue;
        }
        bad = true;
      } else {
        bad = Character.isLowSurrogate(c);
      }
      if (bad && fixed == null) {
        fixed = new StringBuilder(n).append(text, 0, i);
      }
      if (fixed != null) {
        fixed.append(bad ? '\uFFFD' : c);
      }
    }
    return fixed == null ? text : fixed.toString();
  }
}
