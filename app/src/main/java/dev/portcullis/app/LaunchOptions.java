package dev.portcullis.app;

import dev.portcullis.common.settings.SettingsException;
import io.vertx.core.json.JsonObject;

/**
 * The command line: {@code --roles gateway,auth,router,providers}, {@code --config FILE},
 * {@code --port N}, {@code --cluster}, {@code --help}. Options become setting overrides, so they win over the
 * environment and files.
 */
public record LaunchOptions(JsonObject overrides, String configFile, boolean help) {

  public static final String USAGE = """
      Usage: java -jar portcullis.jar [--roles gateway,auth,router,providers] [--config FILE] [--port N] [--cluster]
             java -jar portcullis.jar audit verify FILE   (checks an audit log export offline)

        --roles   which parts run in this process (default: all of them)
        --config  a YAML or JSON file of settings (also PORTCULLIS_CONFIG)
        --port    the gateway port (default 9000; also PORTCULLIS_PORT)
        --cluster join the Hazelcast cluster (also PORTCULLIS_CLUSTER=true; members from
                  PORTCULLIS_CLUSTER_MEMBERS, or PORTCULLIS_CLUSTER_KUBERNETES=true)

      Every setting can also be given as an environment variable of the same name; see README.md.""";

  public static LaunchOptions parse(String[] args) {
    JsonObject overrides = new JsonObject();
    String configFile = null;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--cluster" -> overrides.put("PORTCULLIS_CLUSTER", "true");
        case "--roles", "--config", "--port" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new SettingsException(name, "needs a value");
            }
            value = args[++i];
          }
          switch (name) {
            case "--roles" -> overrides.put("PORTCULLIS_ROLES", value);
            case "--port" -> overrides.put("PORTCULLIS_PORT", value);
            default -> configFile = value;
          }
        }
        default -> throw new SettingsException(arg, "unknown option (see --help)");
      }
    }
    return new LaunchOptions(overrides, configFile, help);
  }
}
