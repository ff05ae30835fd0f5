package dev.portcullis.usage.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain: each writer (a ledger instance, with an id of its own) numbers its rows 1, 2,
 * 3, ... and each row carries the hash of the row before it ({@link #GENESIS} for the first, or
 * the anchor's hash once retention removed the rows before). A row's hash is the lower-case hex
 * SHA-256 of its canonical bytes:
 *
 * <pre>
 * "portcullis-audit-v1"                      19 ASCII bytes, the layout's version
 * text  writer id
 * int64 seq
 * text  request id
 * int64 time (epoch milliseconds)
 * text  LLM proxy id
 * text  caller kind
 * text  caller id
 * text  provider
 * text  operation
 * text  model
 * int32 status
 * text  outcome
 * text  level
 * text  request body
 * text  response body
 * bool  truncated
 * text  previous hash (64 hex characters)
 * </pre>
 *
 * where {@code int64} and {@code int32} are big-endian two's complement, {@code bool} one byte
 * (0 or 1), and {@code text} is one byte 0 for null, or one byte 1, the length of the UTF-8
 * bytes as an {@code int32} and those bytes. Every field has its length or a fixed size, so two
 * different rows never have the same bytes.
 *
 * <p>Never change this layout: a new one is {@code portcullis-audit-v2}, and rows say which
 * they use.
 */
public final class AuditChain {

  /** The previous hash of a writer's first row. */
  public static final String GENESIS = "0".repeat(64);
  static final byte[] VERSION = "portcullis-audit-v1".getBytes(StandardCharsets.US_ASCII);

  private AuditChain() {}

  /** The row this writer appends as its {@code seq}-th, after a row whose hash is {@code prevHash}. */
  public static AuditRecord link(String writerId, long seq, AuditEntry entry, String prevHash) {
    return new AuditRecord(writerId, seq, entry, prevHash, hash(writerId, seq, entry, prevHash));
  }

  /** The hash a row with these fields must carry. */
  public static String hash(String writerId, long seq, AuditEntry entry, String prevHash) {
    MessageDigest sha256 = sha256();
    try (DataOutputStream out = new DataOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), sha256))) {
      write(out, writerId, seq, entry, prevHash);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** The canonical bytes themselves (the hash is computed without building them). */
  public static byte[] canonical(String writerId, long seq, AuditEntry entry, String prevHash) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(out, writerId, seq, entry, prevHash);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void write(DataOutputStream out, String writerId, long seq, AuditEntry entry, String prevHash)
      throws IOException {
    out.write(VERSION);
    text(out, writerId);
    out.writeLong(seq);
    text(out, entry.requestId());
    out.writeLong(entry.timeMillis());
    text(out, entry.llmProxyId());
    text(out, entry.callerKind());
    text(out, entry.callerId());
    text(out, entry.provider());
    text(out, entry.operation());
    text(out, entry.model());
    out.writeInt(entry.status());
    text(out, entry.outcome());
    text(out, entry.level());
    text(out, entry.requestBody());
    text(out, entry.responseBody());
    out.writeBoolean(entry.truncated());
    text(out, prevHash);
  }

  private static void text(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeByte(0);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeByte(1);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
