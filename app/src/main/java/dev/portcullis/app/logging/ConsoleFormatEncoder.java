package dev.portcullis.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.portcullis.common.settings.SettingsException;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * Encodes with its {@code json} encoder (a {@link LogstashEncoder} unless configured) or its
 * {@code text} one (a {@link TextLineEncoder}), chosen once when it starts: by its {@code format}
 * if set, else by {@link LogFormat#forThisProcess()} ({@value LogFormat#SETTING}, else whether
 * standard output is a terminal). Each line then costs only the chosen encoder's work.
 *
 * <p>A bad {@value LogFormat#SETTING} never gets this far from the launcher (it stops with status
 * 2 first); started some other way, this falls back to JSON and reports the error in Logback's
 * status.
 */
public final class ConsoleFormatEncoder extends EncoderBase<ILoggingEvent> {

  private Encoder<ILoggingEvent> json;
  private Encoder<ILoggingEvent> text;
  private String format;
  private Encoder<ILoggingEvent> chosen;
  private LogFormat chosenFormat;

  public void setJson(Encoder<ILoggingEvent> json) {
    this.json = json;
  }

  public void setText(Encoder<ILoggingEvent> text) {
    this.text = text;
  }

  /** {@code text} or {@code json}, instead of the process's own choice (tests). */
  public void setFormat(String format) {
    this.format = format;
  }

  /** The format chosen at start; {@code null} before. */
  public LogFormat chosenFormat() {
    return chosenFormat;
  }

  @Override
  public void start() {
    LogFormat decided;
    try {
      decided = format != null ? LogFormat.choose(name -> format, () -> false) : LogFormat.forThisProcess();
    } catch (SettingsException e) {
      addError(e.getMessage() + "; writing JSON lines");
      decided = LogFormat.JSON;
    }
    Encoder<ILoggingEvent> encoder;
    if (decided == LogFormat.TEXT) {
      encoder = text != null ? text : new TextLineEncoder();
    } else {
      encoder = json != null ? json : new LogstashEncoder();
    }
    if (encoder.getContext() == null) {
      encoder.setContext(getContext());
    }
    if (!encoder.isStarted()) {
      encoder.start();
    }
    chosen = encoder;
    chosenFormat = decided;
    super.start();
  }

  @Override
  public void stop() {
    for (Encoder<ILoggingEvent> encoder : new Encoder[] {json, text, chosen}) {
      if (encoder != null && encoder.isStarted()) {
        encoder.stop();
      }
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return chosen.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return chosen.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return chosen.footerBytes();
  }
}
