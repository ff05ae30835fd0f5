package dev.portcullis.app;

import dev.portcullis.common.settings.SettingsException;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the configuration with vertx-config, later sources overriding earlier ones:
 * {@code config/default.yaml} from the jar, the optional {@code --config} / {@code PORTCULLIS_CONFIG}
 * file, the environment, then command-line options.
 */
final class ConfigLoader {

  static final String CONFIG_FILE = "PORTCULLIS_CONFIG";

  private ConfigLoader() {}

  static Future<JsonObject> load(Vertx vertx, LaunchOptions launch, JsonObject environment) {
    String file = launch.configFile() != null ? launch.configFile() : nonBlank(environment.getString(CONFIG_FILE));
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1)
        .addStore(new ConfigStoreOptions().setType("json").setConfig(defaults()));
    if (file != null) {
      String setting = launch.configFile() != null ? "--config" : CONFIG_FILE;
      if (!Files.isRegularFile(Path.of(file))) {
        return Future.failedFuture(new SettingsException(setting, "no such file: " + file));
      }
      String format = file.endsWith(".json") ? "json" : "yaml";
      options.addStore(new ConfigStoreOptions().setType("file").setFormat(format)
          .setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(environment));
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(launch.overrides()));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(err -> Future.failedFuture(new SettingsException(file == null ? "configuration" : file,
            "could not be read: " + err.getMessage())))
        .onComplete(v -> retriever.close());
  }

  /** The defaults built into the jar, read from the class path (never from the working directory). */
  static JsonObject defaults() {
    try (var in = ConfigLoader.class.getClassLoader().getResourceAsStream("config/default.yaml")) {
      if (in == null) {
        throw new IllegalStateException("config/default.yaml is missing from the class path");
      }
      Object yaml = new org.yaml.snakeyaml.Yaml().load(in);
      @SuppressWarnings("unchecked")
      JsonObject json = new JsonObject((java.util.Map<String, Object>) yaml);
      return json;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("config/default.yaml could not be read", e);
    }
  }

  /** The process environment as raw strings (numbers and booleans are parsed by each setting). */
  static JsonObject environment() {
    JsonObject env = new JsonObject();
    System.getenv().forEach(env::put);
    return env;
  }

  private static String nonBlank(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
