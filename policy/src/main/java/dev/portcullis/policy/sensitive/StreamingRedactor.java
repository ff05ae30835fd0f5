package dev.portcullis.policy.sensitive;

import java.util.List;
import java.util.function.Consumer;

/**
 * Redacts a text that arrives in chunks (a streamed answer). Each {@link #accept} returns the
 * text that can be released: everything except the last {@link #LOOK_BEHIND} characters, less
 * any finding that reaches into them (held from its start until it is known to be over). Not
 * thread-safe: one per stream.
 *
 * <p>Why this is enough: every detector's match is at most {@code LOOK_BEHIND} characters long
 * except PEM private keys and JWTs, so a match that is still to come cannot reach text that lies
 * {@code LOOK_BEHIND} characters before the end of what has arrived; and a match seen now that
 * still reaches into the held tail may grow, so it is held whole. The two long kinds are found
 * as soon as their start is seen (a BEGIN line; a JOSE header and its dot) and held from there up
 * to {@link #LONG_MATCH_BOUND} characters; a match still going on past that bound is replaced by
 * its placeholder at once, and what follows is dropped for as long as the detector says it is
 * part of the same match ({@link Detector#continuation}).
 *
 * <p>Cost: each chunk rescans the held text plus {@value #CONTEXT} released characters (for the
 * left context of boundaries and labels), so O(chunk + LOOK_BEHIND) per chunk while nothing is
 * held for a long match.
 */
public final class StreamingRedactor {

  /**
   * The longest match a short detector can make: an e-mail address (RFC 5321: 64-character local
   * part, {@code @}, 253-character domain = 318). Provider keys are bounded at 250, IBANs at 42,
   * card numbers at 37, AWS labels with their secret at about 90, phone numbers well below.
   */
  public static final int LOOK_BEHIND = 320;

  /** How long a private key or JWT is held while it may still be arriving: a 4096-bit RSA key in PEM is about 3,300 characters. */
  public static final int LONG_MATCH_BOUND = 8192;

  /** Released characters kept (as released, placeholders included) for the next scan's left context. */
  static final int CONTEXT = 64;
  private static final int SUPPRESS_TAIL = 64;

  private final SensitiveScanner scanner;
  private final Consumer<Finding> onFinding;
  private final StringBuilder context = new StringBuilder();
  private final StringBuilder held = new StringBuilder();
  /** Characters of input before {@link #held}: where a finding is, for {@link #onFinding}. */
  private int consumed;
  /** A long match cut at the bound, whose rest is being dropped; null when none. */
  private Detector suppressing;
  private final StringBuilder suppressTail = new StringBuilder();
  private boolean finished;

  /**
   * @param onFinding told of each finding, its span in the stream's input (a long match cut at the
   *     bound: up to the bound)
   */
  public StreamingRedactor(SensitiveScanner scanner, Consumer<Finding> onFinding) {
    this.scanner = scanner;
    this.onFinding = onFinding;
  }

  public StreamingRedactor(SensitiveScanner scanner) {
    this(scanner, f -> { });
  }

  /** The next chunk of the stream; returns the redacted text now safe to send (may be empty). */
  public String accept(CharSequence chunk) {
    if (finished) {
      throw new IllegalStateException("stream already finished");
    }
    if (suppressing != null) {
      suppressTail.append(chunk);
      int rest = suppressing.continuation(suppressTail);
      if (rest < 0) {
        consumed += Math.max(0, suppressTail.length() - SUPPRESS_TAIL);
        suppressTail.delete(0, Math.max(0, suppressTail.length() - SUPPRESS_TAIL));
        return "";
      }
      suppressing = null;
      consumed += rest;
      chunk = suppressTail.substring(rest);
      suppressTail.setLength(0);
    }
    held.append(chunk);
    return release(false);
  }

  /** The end of the stream: everything still held, redacted. */
  public String finish() {
    if (finished) {
      return "";
    }
    finished = true;
    if (suppressing != null) {
      suppressing = null;
      suppressTail.setLength(0);
      return "";
    }
    return release(true);
  }

  /** How many characters are held back now. */
  public int held() {
    return held.length();
  }

  private String release(boolean end) {
    int off = context.length();
    String text = context.toString() + held;
    int len = text.length();
    List<Finding> findings = scanner.scan(text);
    int cut = end ? len : Math.max(off, len - LOOK_BEHIND);
    Finding straddling = null;
    for (Finding f : findings) {
      if (f.start() < cut && f.end() > cut) {
        straddling = f;
        cut = Math.max(off, f.start());
        break;
      }
    }
    Detector cutShort = null;
    if (straddling != null && len - cut > LONG_MATCH_BOUND) {
      cutShort = scanner.detector(straddling.detector());
    }
    StringBuilder out = new StringBuilder(cut - off + 32);
    int pos = off;
    for (Finding f : findings) {
      if (f.end() <= off || f.start() >= cut) {
        continue; // already released, or not yet
      }
      if (f.end() > cut) {
        break; // the straddling one, held
      }
      int start = Math.max(off, f.start());
      out.append(text, pos, start).append(SensitiveScanner.placeholder(f.detector()));
      onFinding.accept(new Finding(f.detector(), consumed + start - off, consumed + f.end() - off));
      pos = f.end();
    }
    out.append(text, pos, cut);
    int releasedInput = cut - off;
    if (cutShort != null) {
      out.append(SensitiveScanner.placeholder(straddling.detector()));
      onFinding.accept(new Finding(straddling.detector(), consumed + cut - off, consumed + len - off));
      suppressing = cutShort;
      suppressTail.setLength(0);
      suppressTail.append(text, Math.max(cut, len - SUPPRESS_TAIL), len);
      releasedInput = len - off - suppressTail.length();
    }
    held.delete(0, releasedInput + (cutShort != null ? suppressTail.length() : 0));
    consumed += releasedInput;
    String released = out.toString();
    context.append(released);
    if (context.length() > CONTEXT) {
      context.delete(0, context.length() - CONTEXT);
    }
    return released;
  }
}
