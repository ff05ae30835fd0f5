package dev.portcullis.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.app.PortcullisUnderTest;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code admin ...} driven in-process against a running Portcullis: what it prints, the exit
 * status of each kind of failure, and that no secret it is given or holds reaches its output.
 */
class AdminCliTest {

  private static final String STORED_KEY = "sk-cli-stored-provider-key-7f3a9c0e1b2d";
  private static final String STDIN_KEY = "sk-cli-stdin-provider-key-5e6d7c8b9a01";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  /** Every output of every run: no secret may be in any of it. */
  private static final List<String> ALL_OUTPUT = new ArrayList<>();

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("POST", "/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "hi", 2, 1)));
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")));
  }

  @AfterAll
  static void stop() {
    try {
      for (String output : ALL_OUTPUT) {
        assertThat(output).doesNotContain(STORED_KEY, STDIN_KEY, PortcullisUnderTest.ADMIN_TOKEN);
      }
    } finally {
      portcullis.close();
      upstream.close();
      upstreamVertx.close().await();
    }
  }

  record Run(int status, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  /** The server's own settings as the environment: the admin port, and a host of 0.0.0.0 (reached on loopback). */
  private static Map<String, String> serverEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("PORTCULLIS_ADMIN_HOST", "0.0.0.0");
    env.put("PORTCULLIS_ADMIN_PORT", URI.create(portcullis.adminUrl()).getPort() + "");
    env.put("PORTCULLIS_ADMIN_TOKEN", PortcullisUnderTest.ADMIN_TOKEN);
    return env;
  }

  private static Run cli(String... args) {
    return cli(serverEnv(), "", args);
  }

  private static Run cli(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = AdminCommand.run(List.of(args), new CliIo(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env, dir));
    Run run = new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    synchronized (ALL_OUTPUT) {
      ALL_OUTPUT.add(run.out());
      ALL_OUTPUT.add(run.err());
    }
    return run;
  }

  private static int chat(String key) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aProviderKeyAndAVirtualKeyMadeWithTheCliCarryACallUntilRevoked() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("openai-key"), STORED_KEY + "\n");
    Run created = cli("provider-keys", "create", "--provider", "openai", "--name", "cli-team", "--api-key-file",
        keyFile.toString());
    assertThat(created.status()).as(created.err()).isZero();
    assertThat(created.out()).startsWith("ID").contains("openai", "cli-team");
    Run listed = cli("provider-keys", "list", "--json");
    String providerKeyId = null;
    for (JsonNode key : listed.json().path("data")) {
      if (key.path("name").asText().equals("cli-team")) {
        providerKeyId = key.path("id").asText();
        assertThat(key.path("hasApiKey").asBoolean()).isTrue();
      }
    }
    assertThat(providerKeyId).isNotNull();
    // A second key through standard input, its answer as JSON.
    Run fromStdin = cli(serverEnv(), STDIN_KEY + "\n", "--json", "provider-keys", "create", "--provider", "openai",
        "--name", "cli-stdin", "--api-key-stdin");
    assertThat(fromStdin.status()).as(fromStdin.err()).isZero();
    assertThat(fromStdin.json().path("id").asText()).isNotBlank();

    Run virtual = cli("virtual-keys", "create", "--name", "cli-app", "--provider-key", providerKeyId + ":3");
    assertThat(virtual.status()).as(virtual.err()).isZero();
    assertThat(virtual.out()).contains("cli-app", "openai", "Virtual key: pc-vk-", "Shown only once");
    String key = virtual.out().lines().filter(line -> line.startsWith("Virtual key: ")).findFirst().orElseThrow()
        .substring("Virtual key: ".length());
    String virtualKeyId = virtual.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];

    Run table = cli("virtual-keys", "list");
    assertThat(table.status()).isZero();
    assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("NAME", "PROVIDER KEYS");
    assertThat(table.out()).contains(virtualKeyId, "cli-app", providerKeyId + ":3").doesNotContain(key);
    Run json = cli("virtual-keys", "list", "--json");
    JsonNode mine = null;
    for (JsonNode listedKey : json.json().path("data")) {
      if (listedKey.path("id").asText().equals(virtualKeyId)) {
        mine = listedKey;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.path("providerKeys").get(0).path("weight").asInt()).isEqualTo(3);

    assertThat(chat(key)).isEqualTo(200);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + STORED_KEY);

    Run revoked = cli("virtual-keys", "revoke", virtualKeyId);
    assertThat(revoked.status()).as(revoked.err()).isZero();
    assertThat(revoked.out()).contains("Revoked virtual key " + virtualKeyId);
    // Revocation reaches the gateway's cache within a second.
    long deadline = System.nanoTime() + 3_000_000_000L;
    int status = chat(key);
    while (status != 401 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      status = chat(key);
    }
    assertThat(status).isEqualTo(401);
  }

  @Test
  void aWrongTokenOrNoneExitsThree() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong-token"), "not-the-admin-token\n");
    Run refused = cli("--token-file", wrong.toString(), "signing-keys", "list");
    assertThat(refused.status()).isEqualTo(3);
    assertThat(refused.err()).contains("Not authorized (401)").doesNotContain("not-the-admin-token");
    assertThat(refused.out()).isEmpty();

    Map<String, String> noToken = serverEnv();
    noToken.remove("PORTCULLIS_ADMIN_TOKEN");
    noToken.put("PORTCULLIS_DATA_DIR", "no-such-data-dir");
    Run none = cli(noToken, "", "signing-keys", "list");
    assertThat(none.status()).isEqualTo(3);
    assertThat(none.err()).contains("No admin token", "admin-token");
  }

  @Test
  void theTokenIsReadFromTheDataDirectoryAsTheServerKeepsIt() throws Exception {
    Files.createDirectories(dir.resolve("server-data"));
    Files.writeString(dir.resolve("server-data/admin-token"), PortcullisUnderTest.ADMIN_TOKEN + "\n");
    Map<String, String> env = serverEnv();
    env.remove("PORTCULLIS_ADMIN_TOKEN");
    env.put("PORTCULLIS_DATA_DIR", "server-data");
    Run listed = cli(env, "", "signing-keys", "list");
    assertThat(listed.status()).as(listed.err()).isZero();
    assertThat(listed.out()).startsWith("KID");
  }

  @Test
  void anUnknownIdExitsFour() {
    Run run = cli("virtual-keys", "revoke", "00000000-0000-0000-0000-000000000000");
    assertThat(run.status()).isEqualTo(4);
    assertThat(run.err()).contains("Not found (404)", "No virtual key with id");
  }

  @Test
  void aRefusedFieldExitsFiveWithTheApisMessageAndField() {
    Run run = cli("provider-keys", "create", "--provider", "no-such-provider", "--name", "x");
    assertThat(run.status()).isEqualTo(5);
    assertThat(run.err()).contains("Refused (400)", "Unknown provider", "[field: provider]");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void nothingListeningExitsSeven() {
    Run run = cli("--url", "http://127.0.0.1:" + PortcullisUnderTest.freePort(), "--timeout", "2", "llm-proxies", "list");
    assertThat(run.status()).isEqualTo(7);
    assertThat(run.err()).contains("Cannot reach the admin API");
  }

  @Test
  void aBadCommandLineExitsTwoAndNeverEchoesASecretFile() throws Exception {
    assertThat(cli("virtual-keys", "frobnicate").status()).isEqualTo(2);
    assertThat(cli("virtual-keys").status()).isEqualTo(2);
    Run missing = cli("provider-keys", "create", "--provider", "openai");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing --name", "Usage: java -jar portcullis.jar admin provider-keys create");
    Run twoReaders = cli("provider-keys", "create", "--api-key-stdin", "--body-file", "-");
    assertThat(twoReaders.status()).isEqualTo(2);
    // A body file that holds a secret and is not JSON: refused, named, never quoted.
    Path notJson = Files.writeString(dir.resolve("not-json"), STORED_KEY);
    Run bad = cli("provider-keys", "create", "--body-file", notJson.toString());
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("not-json", "is not JSON").doesNotContain(STORED_KEY);
  }

  @Test
  void helpListsTheNounsAndTheExitStatuses() {
    Run help = cli("--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("provider-keys", "virtual-keys", "llm-proxies", "limits", "usage", "prices",
        "audit", "Exit status:", "cannot reach the admin API");
    assertThat(help.out()).startsWith("Usage: java -jar portcullis.jar admin");
    Run nounHelp = cli("virtual-keys", "--help");
    assertThat(nounHelp.status()).isZero();
    assertThat(nounHelp.out()).contains("create", "revoke", "list", "Exit status:");
  }

  @Test
  void theOtherNounsAnswer() throws Exception {
    Run proxy = cli("--json", "llm-proxies", "create", "--name", "cli-proxy", "--audit-bodies", "metadata");
    assertThat(proxy.status()).as(proxy.err()).isZero();
    String proxyId = proxy.json().path("id").asText();
    Path policies = Files.writeString(dir.resolve("policies.json"),
        "{\"toolInvocation\":[{\"id\":\"send-guard\",\"tool\":\"send_*\",\"action\":\"block\"}]}");
    Run set = cli("llm-proxies", "policies", "set", proxyId, "--file", policies.toString());
    assertThat(set.status()).as(set.err()).isZero();
    assertThat(cli("--json", "llm-proxies", "policies", "get", proxyId).json().path("toolInvocation").get(0)
        .path("id").asText()).isEqualTo("send-guard");
    Run fallbacks = cli(serverEnv(), "{\"openai:gpt-4o\":[\"anthropic:claude-sonnet-4-5\"]}", "llm-proxies",
        "fallbacks", "set", proxyId, "--file", "-");
    assertThat(fallbacks.status()).as(fallbacks.err()).isZero();
    assertThat(fallbacks.out()).contains("openai:gpt-4o", "anthropic:claude-sonnet-4-5");
    assertThat(cli("llm-proxies", "list").out()).contains("cli-proxy", "metadata", "1 model");
    assertThat(cli("llm-proxies", "fallbacks", "delete", proxyId).status()).isZero();

    Path rule = Files.writeString(dir.resolve("rule.json"), "{\"name\":\"cli-rpm\",\"appliesTo\":{\"llmProxyId\":\""
        + proxyId + "\"},\"requestsPerMinute\":60,\"spendUsd\":{\"amount\":200,\"window\":\"month\"},\"mode\":\"hard\"}");
    Run limit = cli("--json", "limits", "create", "--file", rule.toString());
    assertThat(limit.status()).as(limit.err()).isZero();
    String limitId = limit.json().path("id").asText();
    Run status = cli("limits", "status", limitId);
    assertThat(status.status()).as(status.err()).isZero();
    assertThat(status.out()).contains("cli-rpm", "requests", "60", "spend", "$200");
    assertThat(cli("limits", "list").out()).contains(limitId, "llmProxyId=" + proxyId, "60 req/min, $200/month");
    assertThat(cli("limits", "delete", limitId).status()).isZero();

    Run report = cli("usage", "report", "--by", "provider", "--from", "2020-01-01");
    assertThat(report.status()).as(report.err()).isZero();
    assertThat(report.out()).startsWith("GROUP").contains("TOTAL");
    Run badBy = cli("usage", "report", "--by", "weekday");
    assertThat(badBy.status()).isEqualTo(5);
    assertThat(badBy.err()).contains("[field: by]");
    Run export = cli("usage", "export", "--format", "csv");
    assertThat(export.status()).as(export.err()).isZero();
    assertThat(export.out()).isNotBlank();

    assertThat(cli("signing-keys", "rotate").out()).startsWith("New signing key: ");
    Run providerKey = cli(serverEnv(), STDIN_KEY, "--json", "provider-keys", "create", "--provider", "openai", "--name",
        "cli-oauth", "--api-key-stdin");
    Run client = cli("oauth-clients", "create", "--name", "cli-client", "--provider-key",
        providerKey.json().path("id").asText(), "--allowed-llm-proxy", proxyId);
    assertThat(client.status()).as(client.err()).isZero();
    assertThat(client.out()).contains("pc-oc-", "Client secret: pc-cs-", "Shown only once");
    assertThat(cli("oauth-clients", "list").out()).contains("cli-client", proxyId).doesNotContain("pc-cs-");
    Run verify = cli("audit", "verify");
    assertThat(verify.status()).as(verify.err()).isZero();
    assertThat(verify.out()).startsWith("Intact");
    assertThat(cli("--json", "prices", "list").json().has("data")).isTrue();
  }

  @Test
  void theDefaultUrlFollowsTheServersSettingsLoopbackForAWildcardAndHttpsWithTls() {
    assertThat(AdminTarget.defaultUrl(Map.of()).toString()).isEqualTo("http://127.0.0.1:9001");
    assertThat(AdminTarget.defaultUrl(Map.of("PORTCULLIS_ADMIN_HOST", "0.0.0.0", "PORTCULLIS_ADMIN_PORT", "9443",
        "PORTCULLIS_ADMIN_TLS_CERT_FILE", "/etc/portcullis/admin.crt")).toString()).isEqualTo("https://127.0.0.1:9443");
  }
}
