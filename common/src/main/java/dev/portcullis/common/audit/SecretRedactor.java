package dev.portcullis.common.audit;

import dev.portcullis.common.auth.VirtualKeyFormat;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Takes secrets out of a request or answer body before the audit log keeps it. Pure, and one
 * pass over the text without regular expressions: every rule looks at a bounded number of
 * characters or consumes what it read, so the time is linear in the body's length whatever it
 * holds (no backtracking).
 *
 * <p>The body is read as text, never parsed, so that valid JSON, JSON cut at a bound, JSON kept
 * as a string inside JSON (a tool call's {@code arguments}), form bodies, headers and prose are
 * all handled alike; bytes that are not UTF-8 are decoded with replacement characters. Two kinds
 * of rule:
 *
 * <ul>
 *   <li><b>Fields named as secrets.</b> {@code "name": value} at any level of string escaping
 *       ({@code "api_key"}, {@code \"api_key\"} inside a string, ...) and {@code name=value} or
 *       {@code name: value} outside quotes. A name is compared lowercased without {@code _ - .}
 *       and spaces: it is a secret when it ends with {@code apikey}, {@code secret},
 *       {@code password}, {@code accesstoken}, {@code refreshtoken}, {@code authorization},
 *       {@code privatekey}, {@code credentials}, ... ({@link #STRONG_SUFFIXES}); so
 *       {@code max_tokens}, {@code input_tokens}, {@code prompt_cache_key} and
 *       {@code next_page_token} are kept. The bare names {@code token} and {@code key} also name
 *       plain data (a log-prob's {@code token}, key/value lists), so their value is redacted only
 *       when it looks like a credential: 16 characters or more, no spaces, letters and digits.
 *       A string or number value becomes {@code "[REDACTED]"}; {@code true}, {@code false},
 *       {@code null}, objects and arrays are kept (their own fields are checked). Outside quotes
 *       only the strong names count before a colon ({@code token: ...} in prose is not a secret).
 *   <li><b>Known credential formats</b>, anywhere: OpenAI {@code sk-...} (and {@code sk-proj-},
 *       {@code sk-svcacct-}), Anthropic {@code sk-ant-...}, Portcullis virtual keys
 *       ({@code pc-vk-...}), AWS access key ids ({@code AKIA}/{@code ASIA} + 16) and any
 *       40-character secret-looking string within 256 characters of one, Google API keys
 *       ({@code AIza...}), JWTs ({@code eyJ...}{@code .eyJ...}{@code .sig}), the token of
 *       {@code Bearer <token>}, PEM private key blocks (to the end of the body when the block
 *       has no end line), GitHub ({@code ghp_}, {@code gho_}, {@code ghu_}, {@code ghs_},
 *       {@code ghr_}, {@code github_pat_}), Slack ({@code xoxb-}, {@code xoxp-}, ...), Stripe
 *       ({@code sk_live_}, {@code rk_live_}, ...), Hugging Face ({@code hf_}), Groq
 *       ({@code gsk_}) and xAI ({@code xai-}) keys. They become {@code [REDACTED:kind]}.
 * </ul>
 *
 * <p>Redaction never adds quotes or backslashes inside a string, so valid JSON stays valid.
 */
public final class SecretRedactor {

  public static final String REDACTED = "[REDACTED]";

  /** Names (normalized) whose value is a secret whatever it looks like. */
  static final List<String> STRONG_SUFFIXES = List.of(
      "apikey", "secret", "password", "passwd", "passphrase", "accesstoken", "refreshtoken", "idtoken",
      "authtoken", "authorizationtoken", "sessiontoken", "securitytoken", "bearertoken", "apitoken",
      "privatekey", "secretkey", "secretaccesskey", "authorization", "credential", "credentials",
      "subscriptionkey", "cookie", "setcookie");
  private static final Set<String> STRONG_NAMES = Set.of("pwd", "xapikey", "xauthtoken", "xaccesstoken");
  /** Names that also name plain data: their value must look like a credential. */
  private static final Set<String> AMBIGUOUS_NAMES = Set.of("key", "token");

  /** How far from an AWS access key id a 40-character string is taken for its secret. */
  static final int AWS_SECRET_WINDOW = 256;
  private static final int MAX_NAME = 64;
  private static final int MAX_GAP = 32;

  private record Prefix(String prefix, String kind, CharClass body, int minBody, int exactBody) {}

  private enum CharClass {
    /** Letters and digits. */
    ALNUM,
    /** Letters, digits, {@code _} and {@code -} (base64url). */
    WORD,
    /** Letters, digits and {@code _}. */
    ALNUM_UNDERSCORE,
    /** Letters, digits and {@code -}. */
    ALNUM_DASH,
    /** Upper-case letters and digits. */
    UPPER_DIGIT;

    boolean has(char c) {
      boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
      return switch (this) {
        case ALNUM -> alnum;
        case WORD -> alnum || c == '_' || c == '-';
        case ALNUM_UNDERSCORE -> alnum || c == '_';
        case ALNUM_DASH -> alnum || c == '-';
        case UPPER_DIGIT -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
      };
    }
  }

  /** Longest prefix first where one prefix starts another ({@code sk-ant-} before {@code sk-}). */
  private static final List<Prefix> PREFIXES = List.of(
      new Prefix("sk-ant-", "anthropic", CharClass.WORD, 20, 0),
      new Prefix("sk-", "openai", CharClass.WORD, 20, 0),
      new Prefix(VirtualKeyFormat.PREFIX, "portcullis", CharClass.ALNUM, VirtualKeyFormat.RANDOM_CHARS, 0),
      new Prefix("AKIA", "aws", CharClass.UPPER_DIGIT, 0, 16),
      new Prefix("ASIA", "aws", CharClass.UPPER_DIGIT, 0, 16),
      new Prefix("AIza", "google", CharClass.WORD, 35, 0),
      new Prefix("ghp_", "github", CharClass.ALNUM, 36, 0),
      new Prefix("gho_", "github", CharClass.ALNUM, 36, 0),
      new Prefix("ghu_", "github", CharClass.ALNUM, 36, 0),
      new Prefix("ghs_", "github", CharClass.ALNUM, 36, 0),
      new Prefix("ghr_", "github", CharClass.ALNUM, 36, 0),
      new Prefix("github_pat_", "github", CharClass.ALNUM_UNDERSCORE, 22, 0),
      new Prefix("xoxa-", "slack", CharClass.ALNUM_DASH, 10, 0),
      new Prefix("xoxb-", "slack", CharClass.ALNUM_DASH, 10, 0),
      new Prefix("xoxe-", "slack", CharClass.ALNUM_DASH, 10, 0),
      new Prefix("xoxp-", "slack", CharClass.ALNUM_DASH, 10, 0),
      new Prefix("xoxr-", "slack", CharClass.ALNUM_DASH, 10, 0),
      new Prefix("xoxs-", "slack", CharClass.ALNUM_DASH, 10, 0),
      new Prefix("sk_live_", "stripe", CharClass.ALNUM, 16, 0),
      new Prefix("sk_test_", "stripe", CharClass.ALNUM, 16, 0),
      new Prefix("rk_live_", "stripe", CharClass.ALNUM, 16, 0),
      new Prefix("rk_test_", "stripe", CharClass.ALNUM, 16, 0),
      new Prefix("hf_", "huggingface", CharClass.ALNUM, 30, 0),
      new Prefix("gsk_", "groq", CharClass.ALNUM, 40, 0),
      new Prefix("xai-", "xai", CharClass.ALNUM, 40, 0));

  private SecretRedactor() {}

  /** The body with its secrets replaced; the same instance when there were none. */
  public static String redact(String body) {
    if (body == null || body.isEmpty()) {
      return body;
    }
    return new Scan(body).run();
  }

  /** A body as captured: decoded as UTF-8 (malformed bytes become U+FFFD), then redacted. */
  public static String redact(byte[] body) {
    if (body == null) {
      return null;
    }
    try {
      return redact(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(body))
          .toString());
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("a replacing decoder never fails", e);
    }
  }

  /** What a field's name says of its value. */
  enum Name {
    /** Not a secret. */
    PLAIN,
    /** A secret when it looks like a credential ({@code token}, {@code key}). */
    AMBIGUOUS,
    /** A secret whatever it looks like. */
    SECRET
  }

  static Name classify(String name) {
    String normalized = normalize(name);
    if (STRONG_NAMES.contains(normalized)) {
      return Name.SECRET;
    }
    for (String suffix : STRONG_SUFFIXES) {
      if (normalized.endsWith(suffix)) {
        return Name.SECRET;
      }
    }
    return AMBIGUOUS_NAMES.contains(normalized) ? Name.AMBIGUOUS : Name.PLAIN;
  }

  private static String normalize(String name) {
    StringBuilder normalized = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '_' && c != '-' && c != '.' && c != ' ') {
        normalized.append(c);
      }
    }
    return normalized.toString().toLowerCase(Locale.ROOT);
  }

  /** 16+ characters without spaces or quotes, with letters and digits: what a key looks like. */
  private static boolean credentialShaped(CharSequence text, int start, int end) {
    if (end - start < 16) {
      return false;
    }
    boolean letter = false;
    boolean digit = false;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        return false;
      }
      letter |= Character.isLetter(c);
      digit |= c >= '0' && c <= '9';
    }
    return letter && digit;
  }

  private static boolean alnum(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  private static boolean nameChar(char c) {
    return alnum(c) || c == '_' || c == '-' || c == '.';
  }

  private static boolean base64Char(char c) {
    return alnum(c) || c == '+' || c == '/';
  }

  private static boolean bearerTokenChar(char c) {
    return alnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-';
  }

  /**
   * One pass. Each rule starts at {@code i}, answers where the scan goes on (after what it
   * consumed) or -1 when it does not apply; on -1 the scan moves one character. A rule only
   * starts where the character before cannot belong to what it reads, so a failed rule never
   * reads again what an earlier failed attempt of the same rule read (linear time).
   */
  private static final class Scan {
    private final String text;
    private final int n;
    private final int[] awsKeyIds;
    private int nextAwsKeyId;
    private StringBuilder out;
    private int copied;

    Scan(String text) {
      this.text = text;
      this.n = text.length();
      this.awsKeyIds = awsKeyIds();
    }

    String run() {
      int i = 0;
      while (i < n) {
        char c = text.charAt(i);
        if (c == '\\' || c == '"') {
          int run = 0;
          while (i + run < n && text.charAt(i + run) == '\\') {
            run++;
          }
          if (i + run < n && text.charAt(i + run) == '"') {
            int end = quotedField(i, run);
            // Not a field: the quote itself starts nothing else.
            i = end >= 0 ? end : i + run + 1;
          } else {
            i += run;
          }
          continue;
        }
        int end = -1;
        if (c == '-') {
          end = pem(i);
        } else if (alnum(c)) {
          end = credential(i);
          if (end < 0) {
            end = bearer(i);
          }
          if (end < 0) {
            end = unquotedField(i);
          }
        }
        if (end < 0 && base64Char(c)) {
          end = awsSecret(i);
        }
        i = end >= 0 ? end : i + 1;
      }
      if (out == null) {
        return text;
      }
      out.append(text, copied, n);
      return out.toString();
    }

    private void replace(int start, int end, String replacement) {
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(text, copied, start).append(replacement);
      copied = end;
    }

    private char at(int i) {
      return i >= 0 && i < n ? text.charAt(i) : '\0';
    }

    // ---- fields named as secrets ----

    /**
     * {@code Q name Q : value} where {@code Q} is a quote preceded by {@code run} backslashes
     * (0 in JSON, 1 in JSON kept in a JSON string, 3 one level deeper, ...).
     */
    private int quotedField(int start, int run) {
      if (!levelQuote(run)) {
        return -1;
      }
      int nameStart = start + run + 1;
      int i = nameStart;
      while (i < n && i - nameStart <= MAX_NAME && (nameChar(text.charAt(i)) || text.charAt(i) == ' ')) {
        i++;
      }
      int nameEnd = i;
      if (nameEnd == nameStart || !quoteAt(i, run)) {
        return -1;
      }
      Name name = classify(text.substring(nameStart, nameEnd));
      if (name == Name.PLAIN) {
        // Go on inside the name: a map keyed by credentials is still scanned for them.
        return nameStart;
      }
      i = skipSpaces(i + run + 1);
      if (at(i) != ':') {
        return nameStart;
      }
      i = skipSpaces(i + 1);
      if (quoteAt(i, run)) {
        int contentStart = i + run + 1;
        int contentEnd = stringEnd(contentStart, run);
        if (contentEnd > contentStart && (name == Name.SECRET || credentialShaped(text, contentStart, contentEnd))) {
          replace(contentStart, contentEnd, REDACTED);
          return contentEnd < n ? contentEnd + run + 1 : n;
        }
        // Kept: what it holds is still scanned (no quote of this level can be in it, so no
        // later field rule reads it again).
        return contentStart;
      }
      int valueEnd = i;
      while (valueEnd < n && (alnum(text.charAt(valueEnd)) || "+-._".indexOf(text.charAt(valueEnd)) >= 0)) {
        valueEnd++;
      }
      String bare = text.substring(i, Math.min(valueEnd, i + 6));
      if (valueEnd == i || bare.equals("true") || bare.equals("false") || bare.equals("null")) {
        // An object, an array, a literal: its own fields are checked as the scan goes on.
        return i;
      }
      if (name == Name.SECRET || credentialShaped(text, i, valueEnd)) {
        String quote = "\\".repeat(run) + "\"";
        replace(i, valueEnd, quote + REDACTED + quote);
        return valueEnd;
      }
      return i;
    }

    /** Backslash runs 0, 1, 3, 7, ...: the quotes of JSON, of JSON in a string, and deeper. */
    private static boolean levelQuote(int run) {
      return run < 64 && (run & (run + 1)) == 0;
    }

    private boolean quoteAt(int i, int run) {
      for (int k = 0; k < run; k++) {
        if (at(i + k) != '\\') {
          return false;
        }
      }
      return at(i + run) == '"';
    }

    /**
     * Where the string opened at this level ends: at the first quote whose backslash run is, modulo
     * 2(run + 1), equal to {@code run} (deeper quotes and escaped backslashes give other runs);
     * {@code n} when it never closes (a body cut at its bound).
     */
    private int stringEnd(int from, int run) {
      int backslashes = 0;
      for (int i = from; i < n; i++) {
        char c = text.charAt(i);
        if (c == '\\') {
          backslashes++;
          continue;
        }
        if (c == '"' && backslashes % (2 * run + 2) == run) {
          return i - run;
        }
        backslashes = 0;
      }
      return n;
    }

    private int skipSpaces(int i) {
      int limit = Math.min(n, i + MAX_GAP);
      while (i < limit && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\r'
          || text.charAt(i) == '\n')) {
        i++;
      }
      return i;
    }

    /** {@code name=value} and, for the strong names only, {@code name: value}, outside quotes. */
    private int unquotedField(int start) {
      if (nameChar(at(start - 1))) {
        return -1;
      }
      int i = start;
      while (i < n && i - start <= MAX_NAME && nameChar(text.charAt(i))) {
        i++;
      }
      if (i - start > MAX_NAME) {
        return -1;
      }
      int j = i;
      while (j < n && j - i < 8 && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
        j++;
      }
      char separator = at(j);
      if (separator != '=' && separator != ':') {
        return -1;
      }
      // Only now the name is looked at: most words of a text are followed by neither.
      Name name = classify(text.substring(start, i));
      if (name == Name.PLAIN || separator == ':' && name == Name.AMBIGUOUS) {
        return -1;
      }
      j++;
      int valueStart = j;
      while (valueStart < n && valueStart - j < 8 && text.charAt(valueStart) == ' ') {
        valueStart++;
      }
      char open = at(valueStart);
      int valueEnd;
      int after;
      if (open == '\'' || open == '"') {
        valueStart++;
        valueEnd = valueStart;
        while (valueEnd < n && text.charAt(valueEnd) != open && text.charAt(valueEnd) != '\n') {
          valueEnd++;
        }
        // Kept, what it holds is scanned; it holds no quote of its kind, so nothing reads it again.
        after = valueStart;
      } else {
        valueEnd = plainValueEnd(valueStart);
        // "Authorization: Bearer x" and "Authorization: Basic x": the scheme and its credential.
        if (valueEnd > valueStart && valueEnd - valueStart <= 16 && at(valueEnd) == ' '
            && letters(valueStart, valueEnd) && plainValueEnd(valueEnd + 1) > valueEnd + 1) {
          valueEnd = plainValueEnd(valueEnd + 1);
        }
        after = valueEnd;
      }
      if (valueEnd == valueStart) {
        return -1;
      }
      if (name == Name.AMBIGUOUS && !credentialShaped(text, valueStart, valueEnd)) {
        // A plain value is skipped: scanning it again from every "token=" in it would be quadratic.
        return after;
      }
      replace(valueStart, valueEnd, REDACTED);
      return valueEnd;
    }

    private int plainValueEnd(int i) {
      while (i < n) {
        char c = text.charAt(i);
        if (Character.isWhitespace(c) || "\"'&,;<>\\".indexOf(c) >= 0) {
          break;
        }
        i++;
      }
      return i;
    }

    private boolean letters(int start, int end) {
      for (int i = start; i < end; i++) {
        if (!Character.isLetter(text.charAt(i))) {
          return false;
        }
      }
      return true;
    }

    // ---- known credential formats ----

    private int credential(int start) {
      char before = at(start - 1);
      if (alnum(before) || before == '_' || before == '-') {
        return -1;
      }
      if (text.startsWith("eyJ", start)) {
        return jwt(start);
      }
      for (Prefix prefix : PREFIXES) {
        if (!text.startsWith(prefix.prefix(), start)) {
          continue;
        }
        int bodyStart = start + prefix.prefix().length();
        int limit = prefix.exactBody() > 0 ? bodyStart + prefix.exactBody() + 1 : n;
        int i = bodyStart;
        while (i < n && i < limit && prefix.body().has(text.charAt(i))) {
          i++;
        }
        int length = i - bodyStart;
        boolean match = prefix.exactBody() > 0
            ? length == prefix.exactBody() && !alnum(at(i))
            : length >= prefix.minBody();
        if (match) {
          replace(start, i, "[REDACTED:" + prefix.kind() + "]");
          return i;
        }
        // A shorter prefix cannot match where a longer one that starts the same failed on the
        // body (sk-ant- then sk-): the bodies overlap, so go on trying the rest of the list.
      }
      return -1;
    }

    /** Three base64url parts, the first two JSON objects ({@code eyJ} is {@code {"}). */
    private int jwt(int start) {
      int headerEnd = wordRun(start);
      if (headerEnd - start < 8 || at(headerEnd) != '.' || !text.startsWith("eyJ", headerEnd + 1)) {
        return -1;
      }
      int payloadEnd = wordRun(headerEnd + 1);
      if (payloadEnd - headerEnd - 1 < 8 || at(payloadEnd) != '.') {
        return -1;
      }
      int end = wordRun(payloadEnd + 1);
      replace(start, end, "[REDACTED:jwt]");
      return end;
    }

    private int wordRun(int i) {
      while (i < n && CharClass.WORD.has(text.charAt(i))) {
        i++;
      }
      return i;
    }

    /** The credential after {@code Bearer}: 16+ characters, or 8+ with a digit. */
    private int bearer(int start) {
      if (start + 6 > n || Character.isLetter(at(start - 1))
          || !text.regionMatches(true, start, "bearer", 0, 6)) {
        return -1;
      }
      int tokenStart = start + 6;
      while (tokenStart < n && tokenStart - start < 10 && (text.charAt(tokenStart) == ' ' || text.charAt(tokenStart) == '\t')) {
        tokenStart++;
      }
      if (tokenStart == start + 6) {
        return -1;
      }
      int end = tokenStart;
      boolean digit = false;
      while (end < n && bearerTokenChar(text.charAt(end))) {
        digit |= Character.isDigit(text.charAt(end));
        end++;
      }
      int length = end - tokenStart;
      if (length >= 16 || length >= 8 && digit) {
        replace(tokenStart, end, "[REDACTED:bearer]");
        return end;
      }
      return -1;
    }

    /** {@code -----BEGIN ... PRIVATE KEY-----} to its end line, or to the end of the body. */
    private int pem(int start) {
      String begin = "-----BEGIN ";
      if (!text.startsWith(begin, start)) {
        return -1;
      }
      int i = start + begin.length();
      while (i < n && i - start < 60 && (text.charAt(i) >= 'A' && text.charAt(i) <= 'Z' || text.charAt(i) == ' ')) {
        i++;
      }
      String label = text.substring(start + begin.length(), i);
      if (!label.endsWith("PRIVATE KEY") || !text.startsWith("-----", i)) {
        return -1;
      }
      int endLine = text.indexOf("-----END ", i + 5);
      int end;
      if (endLine < 0) {
        end = n;
      } else {
        int close = text.indexOf("-----", endLine + 9);
        end = close < 0 || close - endLine > 80 ? n : close + 5;
      }
      replace(start, end, "[REDACTED:private-key]");
      return end;
    }

    /** A 40-character secret-looking string near an AWS access key id (its secret access key). */
    private int awsSecret(int start) {
      if (awsKeyIds.length == 0 || base64Char(at(start - 1)) || at(start - 1) == '=') {
        return -1;
      }
      while (nextAwsKeyId < awsKeyIds.length && awsKeyIds[nextAwsKeyId] + AWS_SECRET_WINDOW < start) {
        nextAwsKeyId++;
      }
      if (nextAwsKeyId == awsKeyIds.length || awsKeyIds[nextAwsKeyId] - AWS_SECRET_WINDOW > start) {
        return -1;
      }
      int end = start;
      boolean upper = false;
      boolean lower = false;
      boolean digit = false;
      while (end < n && end - start <= 40 && base64Char(text.charAt(end))) {
        char c = text.charAt(end);
        upper |= c >= 'A' && c <= 'Z';
        lower |= c >= 'a' && c <= 'z';
        digit |= c >= '0' && c <= '9';
        end++;
      }
      if (end - start != 40 || base64Char(at(end)) || at(end) == '=' || !(upper && lower && digit)) {
        return -1;
      }
      replace(start, end, "[REDACTED:aws]");
      return end;
    }

    /** Where AWS access key ids start, in order (found without redacting, before the pass). */
    private int[] awsKeyIds() {
      int[] found = new int[4];
      int count = 0;
      for (String prefix : new String[] {"AKIA", "ASIA"}) {
        for (int at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
          int end = at + 4;
          while (end < n && end - at <= 20 && CharClass.UPPER_DIGIT.has(text.charAt(end))) {
            end++;
          }
          if (end - at == 20 && !alnum(at(end)) && !alnum(at(at - 1))) {
            if (count == found.length) {
              found = Arrays.copyOf(found, count * 2);
            }
            found[count++] = at;
          }
        }
      }
      int[] sorted = Arrays.copyOf(found, count);
      Arrays.sort(sorted);
      return sorted;
    }
  }
}
