package dev.portcullis.app.cluster;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Collections;

/**
 * The event bus's TLS material in clustered mode: this member's certificate and key, and the
 * cluster's CA, the only issuer trusted. Every event-bus connection between processes is TLS with
 * client certificates required both ways, so a process that reached the Hazelcast port but holds no
 * certificate signed by that CA can neither send to a member nor receive from one (nor pose as a
 * member's event-bus server: the connecting member checks the server's certificate too).
 * Hostnames are not checked (members connect to pod IPs); the issuer is what counts.
 *
 * <p>PEM is the first choice because Kubernetes TLS Secrets and cert-manager hand out
 * {@code tls.crt}, {@code tls.key} and {@code ca.crt}; PKCS#12 stores work too. The files are read
 * and parsed once, before anything starts, so a bad file is a bad setting (exit 2, named).
 */
public record ClusterTls(KeyCertOptions identity, TrustOptions trust) {

  public static final String CERT = "PORTCULLIS_CLUSTER_TLS_CERT";
  public static final String KEY = "PORTCULLIS_CLUSTER_TLS_KEY";
  public static final String CA = "PORTCULLIS_CLUSTER_TLS_CA";
  public static final String KEYSTORE = "PORTCULLIS_CLUSTER_TLS_KEYSTORE";
  public static final String KEYSTORE_PASSWORD = "PORTCULLIS_CLUSTER_TLS_KEYSTORE_PASSWORD";
  public static final String TRUSTSTORE = "PORTCULLIS_CLUSTER_TLS_TRUSTSTORE";
  public static final String TRUSTSTORE_PASSWORD = "PORTCULLIS_CLUSTER_TLS_TRUSTSTORE_PASSWORD";
  public static final String INSECURE = "PORTCULLIS_CLUSTER_INSECURE";

  /**
   * The material the settings name, or {@code null} when none is named and
   * {@code PORTCULLIS_CLUSTER_INSECURE=true} allows a plaintext bus.
   */
  public static ClusterTls from(Settings settings) {
    boolean insecure = settings.bool(INSECURE, false);
    String cert = settings.string(CERT);
    String key = settings.string(KEY);
    String ca = settings.string(CA);
    String keystore = settings.string(KEYSTORE);
    String truststore = settings.string(TRUSTSTORE);
    if (cert == null && key == null && ca == null && keystore == null && truststore == null) {
      if (insecure) {
        return null;
      }
      throw new SettingsException(CERT, "clustered mode needs TLS material for the event bus: " + CERT + ", " + KEY
          + " and " + CA + " (PEM files, e.g. a Kubernetes TLS Secret's tls.crt, tls.key and ca.crt), or "
          + KEYSTORE + " and " + TRUSTSTORE + " (PKCS#12); " + INSECURE + "=true runs without (anyone who"
          + " reaches the cluster port can then read and send every message)");
    }
    return new ClusterTls(identity(settings, cert, key, keystore), trust(settings, ca, truststore));
  }

  /** TLS on every event-bus connection, a client certificate required, and nothing but the cluster's CA trusted. */
  public EventBusOptions applyTo(EventBusOptions eventBus) {
    return eventBus.setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setTrustAll(false)
        .setKeyCertOptions(identity.copy())
        .setTrustOptions(trust.copy());
  }

  private static KeyCertOptions identity(Settings settings, String cert, String key, String keystore) {
    if (keystore != null) {
      if (cert != null || key != null) {
        throw new SettingsException(KEYSTORE, "give either " + KEYSTORE + " or " + CERT + " and " + KEY + ", not both");
      }
      PfxOptions store = new PfxOptions().setValue(read(KEYSTORE, keystore))
          .setPassword(settings.string(KEYSTORE_PASSWORD, ""));
      KeyStore loaded = load(KEYSTORE, () -> store.copy().loadKeyStore(null));
      if (!hasKey(loaded)) {
        throw new SettingsException(KEYSTORE, "holds no private key (this member's key and certificate belong there)");
      }
      return store;
    }
    if (cert == null) {
      throw new SettingsException(CERT, "is required with " + KEY + " (this member's certificate, PEM, signed by the cluster's CA)");
    }
    if (key == null) {
      throw new SettingsException(KEY, "is required with " + CERT + " (this member's private key, PEM)");
    }
    PemKeyCertOptions pem = new PemKeyCertOptions().addCertValue(read(CERT, cert)).addKeyValue(read(KEY, key));
    load(KEY, () -> pem.copy().loadKeyStore(null));
    return pem;
  }

  private static TrustOptions trust(Settings settings, String ca, String truststore) {
    if (truststore != null) {
      if (ca != null) {
        throw new SettingsException(TRUSTSTORE, "give either " + TRUSTSTORE + " or " + CA + ", not both");
      }
      PfxOptions store = new PfxOptions().setValue(read(TRUSTSTORE, truststore))
          .setPassword(settings.string(TRUSTSTORE_PASSWORD, ""));
      KeyStore loaded = load(TRUSTSTORE, () -> store.copy().loadKeyStore(null));
      if (!hasCertificate(loaded)) {
        throw new SettingsException(TRUSTSTORE, "holds no certificate (the cluster's CA belongs there)");
      }
      return store;
    }
    if (ca == null) {
      throw new SettingsException(CA, "is required in clustered mode with TLS (the cluster's CA certificate, PEM:"
          + " the only issuer whose members are let in)");
    }
    Buffer pem = read(CA, ca);
    Collection<? extends Certificate> certificates;
    try {
      certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes()));
    } catch (CertificateException e) {
      throw new SettingsException(CA, "cannot be loaded: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new SettingsException(CA, "holds no PEM certificate");
    }
    return new PemTrustOptions().addCertValue(pem);
  }

  private static Buffer read(String setting, String file) {
    try {
      return Buffer.buffer(Files.readAllBytes(Path.of(file)));
    } catch (NoSuchFileException e) {
      throw new SettingsException(setting, "no such file: " + file);
    } catch (IOException | RuntimeException e) {
      throw new SettingsException(setting, "cannot read " + file + ": " + e.getMessage());
    }
  }

  private interface Loader {
    KeyStore load() throws Exception;
  }

  private static KeyStore load(String setting, Loader loader) {
    try {
      return loader.load();
    } catch (Exception e) {
      // The parser's message names what is wrong (a missing PEM delimiter, a bad password), never a key's bytes.
      throw new SettingsException(setting, "cannot be loaded: " + e.getMessage());
    }
  }

  private static boolean hasKey(KeyStore store) {
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean hasCertificate(KeyStore store) {
    try {
      return store != null && store.size() > 0;
    } catch (Exception e) {
      return false;
    }
  }
}
