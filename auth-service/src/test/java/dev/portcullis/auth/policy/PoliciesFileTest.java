package dev.portcullis.auth.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.auth.AdminClient;
import dev.portcullis.auth.AuthVerticle;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.policy.document.PolicyDocument;
import dev.portcullis.policy.document.PolicyDocumentParser;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code PORTCULLIS_POLICIES_FILE}: read whole, validated, applied at every start of auth-service. */
class PoliciesFileTest {

  private static final String ADMIN_TOKEN = "test-admin-token";
  private static final String AUTH_SECRET = RandomTokens.base62(48);
  private static final String GOOD = """
      # Policies kept in git.
      llmProxies:
        default:
          toolInvocation:
            - id: send-guard
              tool: "send_*"
              action: block
            - tool: fetch_url
              argument: $.url
              matches: '^https://intranet\\.'
              action: block
          sensitiveData:
            - detector: aws-access-key
              action: block
        %s:
          trustedData:
            default: trusted
            rules:
              - tool: "fetch_*"
                trust: untrusted
      """;

  @TempDir
  Path dir;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aGoodFileIsAppliedByNameAndIdAndWinsAtEveryStart() throws Exception {
    // First start without the file: make the proxies, and give a third one policies by the API.
    AuthVerticle first = deploy(null);
    AdminClient admin = new AdminClient(first.adminPort(), ADMIN_TOKEN);
    String teamId = admin.create("/api/admin/llm-proxies", new JsonObject().put("name", "team")).getString("id");
    String otherId = admin.create("/api/admin/llm-proxies", new JsonObject().put("name", "other")).getString("id");
    String defaultId = admin.get("/api/admin/llm-proxies").json().getJsonArray("data").getJsonObject(0).getString("id");
    String otherDocument = "{\"toolInvocation\":[{\"tool\":\"x\",\"action\":\"block\"}]}";
    assertThat(admin.putRaw(policies(otherId), otherDocument).status()).isEqualTo(200);
    assertThat(admin.putRaw(policies(teamId), otherDocument).status()).isEqualTo(200);
    vertx.undeploy(vertx.deploymentIDs().iterator().next()).await();

    Path file = write(GOOD.formatted(teamId));
    admin = new AdminClient(deploy(file).adminPort(), ADMIN_TOKEN);

    JsonObject defaultPolicies = admin.get(policies(defaultId)).json();
    assertThat(defaultPolicies.getJsonArray("toolInvocation")).hasSize(2);
    assertThat(defaultPolicies.getJsonArray("toolInvocation").getJsonObject(1).getString("matches"))
        .isEqualTo("^https://intranet\\.");
    assertThat(defaultPolicies.getJsonObject("trustedData").getString("default")).isEqualTo("untrusted");
    // The file wins over what the API stored for the proxies it names ...
    assertThat(admin.get(policies(teamId)).json().getJsonObject("trustedData").getString("default"))
        .isEqualTo("trusted");
    assertThat(admin.get(policies(teamId)).json().getJsonArray("toolInvocation")).isEmpty();
    // ... and leaves the others as they are.
    assertThat(admin.get(policies(otherId)).json()).isEqualTo(PolicyDocumentParser.parse(otherDocument).toJson());

    // A change by the API lasts until the next start.
    assertThat(admin.put(policies(defaultId), new JsonObject()).status()).isEqualTo(200);
    vertx.undeploy(vertx.deploymentIDs().iterator().next()).await();
    admin = new AdminClient(deploy(file).adminPort(), ADMIN_TOKEN);
    assertThat(admin.get(policies(defaultId)).json().getJsonArray("toolInvocation")).hasSize(2);
  }

  @Test
  void aBadFieldStopsTheStartNamingTheFileTheProxyAndTheField() throws Exception {
    Path file = write("""
        llmProxies:
          default:
            toolInvocation:
              - tool: "send_*"
                action: deny
        """);
    assertThatThrownBy(() -> deploy(file)).isInstanceOf(SettingsException.class)
        .hasMessageContaining(PoliciesFile.SETTING)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("LLM proxy 'default'")
        .hasMessageContaining("toolInvocation[0].action")
        .hasMessageContaining("allow, block");
  }

  @Test
  void aProxyThatDoesNotExistStopsTheStart() throws Exception {
    Path file = write("""
        llmProxies:
          no-such-proxy:
            toolInvocation: []
        """);
    assertThatThrownBy(() -> deploy(file)).isInstanceOf(SettingsException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("'no-such-proxy'")
        .hasMessageContaining("no LLM proxy has that id or name");
  }

  @Test
  void theFileIsReadStrictly() throws Exception {
    assertRefused("llmProxies: [1, 2]\n", "llmProxies must map");
    assertRefused("proxies:\n  default: {}\n", "expected one mapping, llmProxies");
    assertRefused("", "expected one mapping, llmProxies");
    assertRefused("llmProxies:\n  default: {}\n  default: {}\n", "not valid YAML");
    assertRefused("llmProxies:\n  default:\n    toolInvocation: [\n", "not valid YAML");
    assertRefused("llmProxies:\n  default:\n", "LLM proxy 'default'");
    assertRefused("llmProxies:\n  default:\n    sensitiveData:\n      - detector: ssn\n        action: block\n",
        "sensitiveData[0].detector");
    assertThatThrownBy(() -> PoliciesFile.read(dir.resolve("missing.yaml"))).isInstanceOf(SettingsException.class)
        .hasMessageContaining("cannot be read");
  }

  @Test
  void oneProxyNamedTwiceIsRefused() throws Exception {
    AuthVerticle first = deploy(null);
    String defaultId = new AdminClient(first.adminPort(), ADMIN_TOKEN).get("/api/admin/llm-proxies").json()
        .getJsonArray("data").getJsonObject(0).getString("id");
    vertx.undeploy(vertx.deploymentIDs().iterator().next()).await();
    Path file = write("llmProxies:\n  default: {}\n  " + defaultId + ": {}\n");
    assertThatThrownBy(() -> deploy(file)).isInstanceOf(SettingsException.class).hasMessageContaining("twice");
  }

  @Test
  void readingKeepsTheDocumentsInFileOrder() throws Exception {
    PoliciesFile read = PoliciesFile.read(write(GOOD.formatted("team")));
    assertThat(read.documents()).containsOnlyKeys("default", "team");
    assertThat(read.documents().keySet()).containsExactly("default", "team");
    assertThat(read.documents().get("team").trustedData().rules()).hasSize(1);
    assertThat(PolicyDocument.EMPTY.isEmpty()).isTrue();
  }

  private void assertRefused(String yaml, String expected) throws Exception {
    Path file = write(yaml);
    assertThatThrownBy(() -> PoliciesFile.read(file)).isInstanceOf(SettingsException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining(expected);
  }

  private AuthVerticle deploy(Path policiesFile) {
    JsonObject config = new JsonObject()
        .put("PORTCULLIS_DATA_DIR", dir.resolve("data").toString())
        .put("PORTCULLIS_ADMIN_PORT", "0")
        .put("PORTCULLIS_ADMIN_TOKEN", ADMIN_TOKEN)
        .put("ARCHESTRA_AUTH_SECRET", AUTH_SECRET);
    if (policiesFile != null) {
      config.put(PoliciesFile.SETTING, policiesFile.toString());
    }
    AuthVerticle verticle = new AuthVerticle(new Settings(config));
    vertx.deployVerticle(verticle).await();
    return verticle;
  }

  private Path write(String yaml) throws Exception {
    Path file = Files.createTempFile(dir, "policies", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static String policies(String id) {
    return "/api/admin/llm-proxies/" + id + "/policies";
  }
}
