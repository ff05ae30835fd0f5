package dev.portcullis.common.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key as PEM text, checked to be what they claim: the chain
 * parses as X.509 certificates, the key file holds one base64 private-key block. (Vert.x checks
 * that they belong together when it builds the TLS context.)
 */
public final class PemPair {

  private static final Pattern KEY_BLOCK = Pattern.compile(
      "-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private final byte[] certificate;
  private final byte[] key;

  private PemPair(byte[] certificate, byte[] key) {
    this.certificate = certificate;
    this.key = key;
  }

  static PemPair of(byte[] certificate, byte[] key) throws Unusable {
    try {
      if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(certificate))
          .isEmpty()) {
        throw new Unusable(true, "holds no PEM certificate");
      }
    } catch (CertificateException e) {
      throw new Unusable(true, "is not a PEM certificate chain (" + e.getMessage() + ")");
    }
    Matcher block = KEY_BLOCK.matcher(new String(key, StandardCharsets.US_ASCII));
    if (!block.find()) {
      throw new Unusable(false, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    try {
      Base64.getMimeDecoder().decode(block.group(2));
    } catch (IllegalArgumentException e) {
      throw new Unusable(false, "holds a private key that is not valid base64");
    }
    return new PemPair(certificate.clone(), key.clone());
  }

  /** For Vert.x: the pair by value, so what is served is exactly what was checked. */
  public PemKeyCertOptions keyCertOptions() {
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate)).setKeyValue(Buffer.buffer(key));
  }

  /** Whether {@code other} holds the same bytes (a reload with nothing new is skipped). */
  public boolean sameAs(PemPair other) {
    return other != null && Arrays.equals(certificate, other.certificate) && Arrays.equals(key, other.key);
  }

  /** A file of the pair that cannot be served; {@code certificate} tells which. */
  public static final class Unusable extends Exception {
    private final boolean certificate;

    Unusable(boolean certificate, String problem) {
      super(problem, null, false, false);
      this.certificate = certificate;
    }

    public boolean certificate() {
      return certificate;
    }
  }
}
