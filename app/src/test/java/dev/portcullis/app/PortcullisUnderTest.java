package dev.portcullis.app;

import dev.portcullis.testkit.FreePorts;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A Portcullis started in this JVM exactly as the jar starts it, with a test's own environment
 * (never the machine's) and free ports. One per test class: starting is cheap but not free.
 */
public final class PortcullisUnderTest implements AutoCloseable {

  /** The admin token every test instance uses. */
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

  private final Portcullis portcullis;

  private PortcullisUnderTest(Portcullis portcullis) {
    this.portcullis = portcullis;
  }

  public static PortcullisUnderTest start(Map<String, String> environment) {
    return start(environment, null);
  }

  /** With {@code spans} set, tracing is on and every span also goes there as it ends. */
  public static PortcullisUnderTest start(Map<String, String> environment, SpanExporter spans) {
    JsonObject env = new JsonObject();
    env.put("PORTCULLIS_PORT", String.valueOf(freePort()));
    env.put("ARCHESTRA_METRICS_PORT", String.valueOf(freePort()));
    env.put("PORTCULLIS_ADMIN_PORT", String.valueOf(freePort()));
    env.put("PORTCULLIS_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("PORTCULLIS_HOST", "127.0.0.1");
    env.put("PORTCULLIS_DATA_DIR", "target/test-data/" + System.nanoTime());
    environment.forEach(env::put);
    Portcullis started = Portcullis.start(new LaunchOptions(new JsonObject(), null, false), env, spans).await();
    return new PortcullisUnderTest(started);
  }

  /** A port for a server started later: see {@link FreePorts} for why not {@code new ServerSocket(0)}. */
  public static int freePort() {
    return FreePorts.next();
  }

  public int port() {
    return portcullis.gatewayPort();
  }

  public int metricsPort() {
    return portcullis.metricsPort();
  }

  /** {@code http://127.0.0.1:<port>/v1/<provider>}. */
  public String providerUrl(String provider) {
    return "http://127.0.0.1:" + port() + "/v1/" + provider;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /** {@code http://127.0.0.1:<admin port>}. */
  public String adminUrl() {
    return "http://127.0.0.1:" + portcullis.settings().port("PORTCULLIS_ADMIN_PORT", 9001);
  }

  public Portcullis portcullis() {
    return portcullis;
  }

  @Override
  public void close() {
    portcullis.stop().await();
  }
}
