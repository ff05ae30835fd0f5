package dev.portcullis.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the AWS Signature Version 4 of a request a test upstream received, by recomputing it from
 * known test credentials: canonical request, string to sign, HMAC key chain. Written from the
 * SigV4 specification and independently of the AWS SDK, so that it can catch the SDK signer being
 * used wrongly (for instance a model id whose {@code :} was not percent-encoded before signing).
 *
 * <p>As for every AWS service but S3, the canonical URI is the path as sent, percent-encoded a
 * second time ({@code v1%3A0} is signed as {@code v1%253A0}). Paths are taken as already normalised
 * (no {@code .} or {@code ..} segments), which is all a test upstream sees. The request time is not
 * checked against a clock: tests sign with fixed clocks.
 */
public final class SigV4Verifier {

  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final HexFormat HEX = HexFormat.of();
  private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

  private final String accessKeyId;
  private final String secretAccessKey;
  private final String sessionToken;
  private final String region;
  private final String service;

  /** What a verification found: whether the signature matches, and if not, why. */
  public record Result(boolean matches, String reason) {

    static Result match() {
      return new Result(true, "signature matches");
    }

    static Result mismatch(String reason) {
      return new Result(false, reason);
    }
  }

  /** A verifier for long-term credentials: a request carrying a session token is rejected. */
  public SigV4Verifier(String accessKeyId, String secretAccessKey, String region, String service) {
    this(accessKeyId, secretAccessKey, null, region, service);
  }

  /** A verifier for temporary credentials: the request must carry and sign {@code sessionToken}. */
  public SigV4Verifier(String accessKeyId, String secretAccessKey, String sessionToken, String region,
      String service) {
    this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
    this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    this.sessionToken = sessionToken;
    this.region = Objects.requireNonNull(region, "region");
    this.service = Objects.requireNonNull(service, "service");
  }

  /**
   * Verifies a received request.
   *
   * @param rawPath the path exactly as received, still percent-encoded
   * @param rawQuery the query string as received, without {@code ?}; {@code null} or empty when none
   */
  public Result verify(String method, String rawPath, String rawQuery, MultiMap headers, Buffer body) {
    String authorization = headers.get("Authorization");
    if (authorization == null || !authorization.startsWith(ALGORITHM + " ")) {
      return Result.mismatch("no " + ALGORITHM + " Authorization header: " + authorization);
    }
    Map<String, String> fields = authorizationFields(authorization.substring(ALGORITHM.length() + 1));
    String amzDate = headers.get("X-Amz-Date");
    if (amzDate == null || !amzDate.matches("\\d{8}T\\d{6}Z")) {
      return Result.mismatch("X-Amz-Date missing or malformed: " + amzDate);
    }
    String expectedCredential = accessKeyId + "/" + credentialScope(amzDate);
    if (!expectedCredential.equals(fields.get("Credential"))) {
      return Result.mismatch("Credential is " + fields.get("Credential") + ", expected " + expectedCredential);
    }
    String signature = fields.get("Signature");
    String signedHeadersField = fields.get("SignedHeaders");
    if (signature == null || signedHeadersField == null) {
      return Result.mismatch("Authorization lacks Signature or SignedHeaders: " + authorization);
    }
    List<String> signedHeaders = Arrays.asList(signedHeadersField.split(";"));
    Result headerProblem = checkSignedHeaders(signedHeaders, headers);
    if (headerProblem != null) {
      return headerProblem;
    }
    String payloadHash = HEX.formatHex(sha256(body.getBytes()));
    String declaredPayloadHash = headers.get("x-amz-content-sha256");
    if (declaredPayloadHash != null && !declaredPayloadHash.equals(payloadHash)) {
      return Result.mismatch("x-amz-content-sha256 " + declaredPayloadHash + " is not the body's hash " + payloadHash);
    }
    String canonicalRequest = canonicalRequest(method, rawPath, rawQuery, headers, signedHeaders, payloadHash);
    String expected = signature(canonicalRequest, amzDate);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
      return Result.mismatch("signature " + signature + " does not match " + expected
          + " computed over the canonical request:\n" + canonicalRequest);
    }
    return Result.match();
  }

  private Result checkSignedHeaders(List<String> signedHeaders, MultiMap headers) {
    List<String> sorted = new ArrayList<>(signedHeaders);
    sorted.sort(null);
    if (!sorted.equals(signedHeaders)) {
      return Result.mismatch("SignedHeaders are not sorted: " + signedHeaders);
    }
    for (String required : List.of("host", "x-amz-date")) {
      if (!signedHeaders.contains(required)) {
        return Result.mismatch("SignedHeaders must include " + required + ": " + signedHeaders);
      }
    }
    for (String name : signedHeaders) {
      if (!name.equals(name.toLowerCase(Locale.ROOT)) || !headers.contains(name)) {
        return Result.mismatch("signed header " + name + " is not lower case or was not received");
      }
    }
    String receivedToken = headers.get("X-Amz-Security-Token");
    if (!Objects.equals(receivedToken, sessionToken)) {
      return Result.mismatch("X-Amz-Security-Token is " + (receivedToken == null ? "missing" : "unexpected or wrong"));
    }
    if (receivedToken != null && !signedHeaders.contains("x-amz-security-token")) {
      return Result.mismatch("X-Amz-Security-Token is not signed");
    }
    return null;
  }

  /** The SigV4 canonical request, exposed so a failing test can show what was signed. */
  public String canonicalRequest(String method, String rawPath, String rawQuery, MultiMap headers,
      List<String> signedHeaders, String payloadHash) {
    StringBuilder canonical = new StringBuilder()
        .append(method).append('\n')
        .append(canonicalUri(rawPath)).append('\n')
        .append(canonicalQuery(rawQuery)).append('\n');
    for (String name : signedHeaders) {
      List<String> values = new ArrayList<>();
      for (String value : headers.getAll(name)) {
        values.add(value.strip().replaceAll(" +", " "));
      }
      canonical.append(name).append(':').append(String.join(",", values)).append('\n');
    }
    return canonical.append('\n')
        .append(String.join(";", signedHeaders)).append('\n')
        .append(payloadHash)
        .toString();
  }

  /** The hex signature of {@code canonicalRequest} made at {@code amzDate} (yyyyMMdd'T'HHmmss'Z'). */
  public String signature(String canonicalRequest, String amzDate) {
    String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + credentialScope(amzDate) + "\n"
        + HEX.formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), amzDate.substring(0, 8));
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    return HEX.formatHex(hmac(key, stringToSign));
  }

  private String credentialScope(String amzDate) {
    return amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
  }

  private static String canonicalUri(String rawPath) {
    return rawPath == null || rawPath.isEmpty() ? "/" : uriEncode(rawPath, false);
  }

  /** Query parameters decoded, re-encoded the SigV4 way, and sorted by name then value. */
  private static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> parameters = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.add(new String[] {uriEncode(percentDecode(name), true), uriEncode(percentDecode(value), true)});
    }
    parameters.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    List<String> encoded = new ArrayList<>();
    for (String[] parameter : parameters) {
      encoded.add(parameter[0] + "=" + parameter[1]);
    }
    return String.join("&", encoded);
  }

  /** SigV4's UriEncode: every byte but A-Z a-z 0-9 - _ . ~ (and '/' in paths) as upper-case %XX. */
  private static String uriEncode(String text, boolean encodeSlash) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~';
      if (unreserved || (c == '/' && !encodeSlash)) {
        encoded.append(c);
      } else {
        encoded.append('%').append(UPPER_HEX.toHexDigits(b));
      }
    }
    return encoded.toString();
  }

  /** Decodes %XX escapes only: in SigV4 a '+' in a query is a literal plus, not a space. */
  private static String percentDecode(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length()) {
        bytes.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
        i += 2;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static Map<String, String> authorizationFields(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      int equals = part.indexOf('=');
      if (equals > 0) {
        fields.put(part.substring(0, equals).strip(), part.substring(equals + 1).strip());
      }
    }
    return fields;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }
}
