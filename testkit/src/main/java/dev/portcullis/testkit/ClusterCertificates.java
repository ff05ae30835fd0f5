package dev.portcullis.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for clustered tests: it issues member certificates (usable as
 * TLS server and client certificates, as the event bus needs both) and writes them as the PEM files
 * a Kubernetes TLS Secret holds ({@code tls.crt}, {@code tls.key}, {@code ca.crt}) or as PKCS#12
 * stores. Everything is made at test time, so no private key is ever committed. EC P-256 keeps
 * generation to milliseconds.
 */
public final class ClusterCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final KeyPair keys;
  private final X509Certificate certificate;

  private ClusterCertificates(KeyPair keys, X509Certificate certificate) {
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A new self-signed CA. */
  public static ClusterCertificates newAuthority(String commonName) {
    KeyPair keys = newKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, nextSerial(),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), name, keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new ClusterCertificates(keys, sign(builder, keys.getPrivate()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA's own certificate (what members trust). */
  public X509Certificate certificate() {
    return certificate;
  }

  /** A member certificate signed by this CA, for TLS servers and clients alike. */
  public Member issue(String commonName) {
    KeyPair memberKeys = newKeyPair();
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, nextSerial(),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
        new X500Name("CN=" + commonName), memberKeys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new Member(memberKeys.getPrivate(), sign(builder, keys.getPrivate()), certificate);
  }

  /** A member's key and certificate, and the CA that issued it. */
  public record Member(PrivateKey key, X509Certificate certificate, X509Certificate authority) {

    /**
     * Writes {@code tls.crt}, {@code tls.key} (owner-only) and {@code ca.crt} into {@code dir} and
     * returns the settings that point a Portcullis member at them.
     */
    public Map<String, String> writePem(Path dir) {
      try {
        Files.createDirectories(dir);
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Path ca = dir.resolve("ca.crt");
        Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
        Files.deleteIfExists(key);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, pem("PRIVATE KEY", this.key.getEncoded()));
        Files.writeString(ca, pem("CERTIFICATE", authority.getEncoded()));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("PORTCULLIS_CLUSTER_TLS_CERT", cert.toAbsolutePath().toString());
        settings.put("PORTCULLIS_CLUSTER_TLS_KEY", key.toAbsolutePath().toString());
        settings.put("PORTCULLIS_CLUSTER_TLS_CA", ca.toAbsolutePath().toString());
        return settings;
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Writes {@code member.p12} (key and certificate) and {@code trust.p12} (the CA) into {@code dir},
     * both under {@code password}, and returns the settings that point a member at them.
     */
    public Map<String, String> writePkcs12(Path dir, String password) {
      try {
        Files.createDirectories(dir);
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("member", key, password.toCharArray(), new Certificate[] {certificate, authority});
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("cluster-ca", authority);
        Path identityFile = dir.resolve("member.p12");
        Path trustFile = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(identityFile)) {
          identity.store(out, password.toCharArray());
        }
        try (OutputStream out = Files.newOutputStream(trustFile)) {
          trust.store(out, password.toCharArray());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("PORTCULLIS_CLUSTER_TLS_KEYSTORE", identityFile.toAbsolutePath().toString());
        settings.put("PORTCULLIS_CLUSTER_TLS_KEYSTORE_PASSWORD", password);
        settings.put("PORTCULLIS_CLUSTER_TLS_TRUSTSTORE", trustFile.toAbsolutePath().toString());
        settings.put("PORTCULLIS_CLUSTER_TLS_TRUSTSTORE_PASSWORD", password);
        return settings;
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger nextSerial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
