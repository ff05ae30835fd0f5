package dev.portcullis.common.config;

/** A setting with a bad value. Its message is one line: the setting's name and what is wrong. */
public final class ConfigException extends RuntimeException {

  private final String setting;

  public ConfigException(String setting, String problem) {
    super(setting + ": " + problem, null, false, false);
    this.setting = setting;
  }

  public String setting() {
    return setting;
  }
}
