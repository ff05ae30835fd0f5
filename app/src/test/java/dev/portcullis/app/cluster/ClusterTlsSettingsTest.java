package dev.portcullis.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.app.LaunchOptions;
import dev.portcullis.app.Portcullis;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.testkit.ClusterCertificates;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clustering needs the event bus's TLS material, or an explicit {@code PORTCULLIS_CLUSTER_INSECURE=true};
 * a missing or bad file is a bad setting, named in one line (Main exits 2 with it).
 */
class ClusterTlsSettingsTest {

  @TempDir
  static Path dir;
  private static Map<String, String> pem;
  private static Map<String, String> pkcs12;

  @BeforeAll
  static void material() {
    ClusterCertificates.Member member = ClusterCertificates.newAuthority("settings-test-ca").issue("member");
    pem = member.writePem(dir.resolve("pem"));
    pkcs12 = member.writePkcs12(dir.resolve("p12"), "store-password");
  }

  private static JsonObject clustered(Map<String, String> extra) {
    JsonObject settings = new JsonObject().put("PORTCULLIS_CLUSTER", "true")
        .put("PORTCULLIS_CLUSTER_MEMBERS", "127.0.0.1:5701");
    extra.forEach(settings::put);
    return settings;
  }

  private static SettingsException refusal(Map<String, String> extra) {
    try {
      ClusterSettings.from(new Settings(clustered(extra)));
    } catch (SettingsException e) {
      return e;
    }
    throw new AssertionError("accepted " + extra);
  }

  @Test
  void clusteringWithoutTlsMaterialIsRefusedUnlessInsecureIsAskedFor() {
    SettingsException refused = refusal(Map.of());
    assertThat(refused.setting()).isEqualTo(ClusterTls.CERT);
    assertThat(refused.getMessage()).doesNotContain("\n").contains(ClusterTls.INSECURE + "=true", ClusterTls.CA);

    assertThat(ClusterSettings.from(new Settings(clustered(Map.of(ClusterTls.INSECURE, "true")))).tls()).isNull();
    // Not clustered: no TLS needed.
    assertThat(ClusterSettings.from(new Settings(new JsonObject())).tls()).isNull();
  }

  @Test
  void aClusteredStartWithoutTlsMaterialFailsWithTheSetting() {
    JsonObject env = clustered(Map.of());
    env.put("PORTCULLIS_DATA_DIR", dir.resolve("data").toString());
    assertThatThrownBy(() -> Portcullis.start(new LaunchOptions(new JsonObject(), null, false), env).await())
        .isInstanceOf(SettingsException.class).hasMessageStartingWith(ClusterTls.CERT + ":");
  }

  @Test
  void pemMaterialTurnsOnTlsWithRequiredClientCertificates() {
    ClusterTls tls = ClusterSettings.from(new Settings(clustered(pem))).tls();
    EventBusOptions eventBus = tls.applyTo(new EventBusOptions());
    assertThat(eventBus.isSsl()).isTrue();
    assertThat(eventBus.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(eventBus.isTrustAll()).isFalse();
    assertThat(eventBus.getKeyCertOptions()).isNotNull();
    assertThat(eventBus.getTrustOptions()).isNotNull();
  }

  @Test
  void pkcs12StoresWorkToo() {
    assertThat(ClusterSettings.from(new Settings(clustered(pkcs12))).tls()).isNotNull();
    Map<String, String> wrongPassword = new java.util.HashMap<>(pkcs12);
    wrongPassword.put(ClusterTls.KEYSTORE_PASSWORD, "wrong");
    assertThat(refusal(wrongPassword).setting()).isEqualTo(ClusterTls.KEYSTORE);
  }

  @Test
  void incompleteOrBrokenMaterialNamesTheSetting() throws Exception {
    assertThat(refusal(Map.of(ClusterTls.CERT, pem.get(ClusterTls.CERT), ClusterTls.CA, pem.get(ClusterTls.CA)))
        .setting()).isEqualTo(ClusterTls.KEY);
    assertThat(refusal(Map.of(ClusterTls.CERT, pem.get(ClusterTls.CERT), ClusterTls.KEY, pem.get(ClusterTls.KEY)))
        .setting()).isEqualTo(ClusterTls.CA);
    SettingsException missing = refusal(Map.of(ClusterTls.CERT, pem.get(ClusterTls.CERT),
        ClusterTls.KEY, dir.resolve("nope.key").toString(), ClusterTls.CA, pem.get(ClusterTls.CA)));
    assertThat(missing.setting()).isEqualTo(ClusterTls.KEY);
    assertThat(missing.getMessage()).contains("no such file");

    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    assertThat(refusal(Map.of(ClusterTls.CERT, pem.get(ClusterTls.CERT), ClusterTls.KEY, pem.get(ClusterTls.KEY),
        ClusterTls.CA, garbage.toString())).setting()).isEqualTo(ClusterTls.CA);
    // The private key where the certificate belongs: refused, and no byte of the key in the message.
    SettingsException swapped = refusal(Map.of(ClusterTls.CERT, pem.get(ClusterTls.KEY), ClusterTls.KEY,
        pem.get(ClusterTls.KEY), ClusterTls.CA, pem.get(ClusterTls.CA)));
    String keyBody = Files.readString(Path.of(pem.get(ClusterTls.KEY))).lines().skip(1).findFirst().orElseThrow();
    assertThat(swapped.getMessage()).doesNotContain(keyBody);
  }
}
