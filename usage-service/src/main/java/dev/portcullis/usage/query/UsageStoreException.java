package dev.portcullis.usage.query;

/**
 * The ledger's database failed a query (unreachable, timed out, refused). Its message is safe to
 * show a client; the cause, which may quote SQL and values, is for the log only.
 */
public final class UsageStoreException extends RuntimeException {

  public UsageStoreException(Throwable cause) {
    super("The usage ledger's database is unavailable; try again later", cause);
  }
}
