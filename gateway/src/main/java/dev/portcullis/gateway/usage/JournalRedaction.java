package dev.portcullis.gateway.usage;

import dev.portcullis.common.audit.SecretRedactor;
import dev.portcullis.common.usage.UsageRecord;

/**
 * What the journal's thread does to a record before it is written: an audited call's bodies lose
 * their secrets (keys, tokens, passwords in fields named so or in known credential formats), so
 * that none reaches the disk, the bus or the audit log. Records without bodies pass unchanged.
 */
public final class JournalRedaction {

  private JournalRedaction() {}

  public static UsageRecord redact(UsageRecord record) {
    UsageRecord.Audit audit = record.audit();
    if (audit == null || (audit.requestBody() == null && audit.responseBody() == null)) {
      return record;
    }
    return record.withAudit(new UsageRecord.Audit(audit.level(), redacted(audit.requestBody()),
        redacted(audit.responseBody()), audit.truncated()));
  }

  private static String redacted(String body) {
    return body == null ? null : SecretRedactor.redact(body);
  }
}
