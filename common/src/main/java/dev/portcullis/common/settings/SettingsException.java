package dev.portcullis.common.settings;

/** A setting with a bad value. Its message is one line: the setting's name and what is wrong. */
public final class SettingsException extends RuntimeException {

  private final String setting;

  public SettingsException(String setting, String problem) {
    super(setting + ": " + problem, null, false, false);
    this.setting = setting;
  }

  public String setting() {
    return setting;
  }
}
