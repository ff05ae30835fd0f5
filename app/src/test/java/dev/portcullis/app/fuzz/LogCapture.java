package dev.portcullis.app.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Everything logged while the run goes, as the JSON lines Portcullis writes (same encoder), access
 * log included: each line is searched for canaries, ERROR lines are counted by logger and message,
 * and access lines that say 200 with outcome "error" are noted. The console appenders are detached
 * for the run, so 100,000 access lines do not fill the test output; they come back afterwards.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> {

  private final Canaries canaries;
  private final LogstashEncoder encoder = new LogstashEncoder();
  private final AtomicLong lines = new AtomicLong();
  private final AtomicLong errorLines = new AtomicLong();
  private final Map<String, AtomicLong> errorsByMessage = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> leaks = new ConcurrentHashMap<>();
  private final Map<String, String> leakSamples = new ConcurrentHashMap<>();
  private final AtomicLong okButError = new AtomicLong();
  private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
  private Logger root;

  LogCapture(Canaries canaries) {
    this.canaries = canaries;
  }

  void attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    setContext(context);
    encoder.setContext(context);
    encoder.start();
    start();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      detached.add(it.next());
    }
    detached.forEach(root::detachAppender);
    root.addAppender(this);
  }

  void detach() {
    root.detachAppender(this);
    detached.forEach(root::addAppender);
    stop();
  }

  @Override
  protected void append(ILoggingEvent event) {
    lines.incrementAndGet();
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    String leak = canaries.find(line);
    if (leak != null) {
      String key = leak + " in a log line of " + event.getLoggerName() + " (" + event.getLevel() + ")";
      leaks.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      leakSamples.putIfAbsent(key, line.length() > 2_000 ? line.substring(0, 2_000) + "..." : line);
    }
    if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      errorLines.incrementAndGet();
      String message = event.getFormattedMessage();
      String key = event.getLoggerName() + ": " + (message.length() > 160 ? message.substring(0, 160) : message)
          + (event.getThrowableProxy() == null ? "" : " [" + event.getThrowableProxy().getClassName() + "]");
      if (errorsByMessage.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet() == 1
          && event.getThrowableProxy() != null) {
        // The first trace of each kind goes to the test's output, to find where it was thrown.
        String trace = ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy());
        System.out.println("first ERROR of its kind: " + key + "\n"
            + (trace.length() > 4_000 ? trace.substring(0, 4_000) + "..." : trace));
      }
    }
    if ("portcullis.access".equals(event.getLoggerName()) && event.getKeyValuePairs() != null) {
      Object status = null;
      Object outcome = null;
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        if (pair.key.equals("status")) {
          status = pair.value;
        } else if (pair.key.equals("outcome")) {
          outcome = pair.value;
        }
      }
      if ("200".equals(String.valueOf(status)) && "error".equals(String.valueOf(outcome))) {
        okButError.incrementAndGet();
      }
    }
  }

  long lines() {
    return lines.get();
  }

  long errorLines() {
    return errorLines.get();
  }

  Map<String, AtomicLong> errorsByMessage() {
    return errorsByMessage;
  }

  Map<String, AtomicLong> leaks() {
    return leaks;
  }

  String leakSample(String key) {
    return leakSamples.get(key);
  }

  long accessLinesOkWithOutcomeError() {
    return okButError.get();
  }
}
