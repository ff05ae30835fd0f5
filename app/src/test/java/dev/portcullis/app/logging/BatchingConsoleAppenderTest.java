package dev.portcullis.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchingConsoleAppenderTest {

  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("test");
  private final List<Integer> writes = new ArrayList<>();
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private BatchingConsoleAppender appender;

  @AfterEach
  void stop() {
    if (appender != null) {
      appender.stop();
    }
  }

  private synchronized void record(byte[] bytes, int off, int len) {
    writes.add(len);
    written.write(bytes, off, len);
  }

  private synchronized String text() {
    return written.toString(StandardCharsets.UTF_8);
  }

  private synchronized int writeCount() {
    return writes.size();
  }

  private final OutputStream recording = new OutputStream() {
    @Override
    public void write(int b) {
      record(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      record(b, off, len);
    }
  };

  private BatchingConsoleAppender start(int queueSize, long flushIntervalMs, OutputStream out) {
    // A context of our own, as Logback's configurator would set it up.
    context.setMDCAdapter(new LogbackMDCAdapter());
    context.start();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%level %msg%n");
    encoder.start();
    appender = new BatchingConsoleAppender();
    appender.setContext(context);
    appender.setName("JSON");
    appender.setEncoder(encoder);
    appender.setQueueSize(queueSize);
    appender.setFlushIntervalMs(flushIntervalMs);
    appender.setOutput(() -> out);
    appender.start();
    assertThat(appender.isStarted()).isTrue();
    logger.addAppender(appender);
    logger.setLevel(Level.INFO);
    logger.setAdditive(false);
    return appender;
  }

  @Test
  void everyLineIsWrittenInOrderAndInFewWritesAndAStopFlushesWhatIsQueued() {
    start(8192, 60_000, recording);
    for (int i = 0; i < 1000; i++) {
      logger.info("line {}", i);
    }
    // The interval is a minute and no line is urgent: nothing is written until the stop.
    appender.stop();
    String[] lines = text().split("\n");
    assertThat(lines).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(lines[i]).isEqualTo("INFO line " + i);
    }
    assertThat(writeCount()).as("one write per batch, not per line").isLessThanOrEqualTo(2);
  }

  @Test
  void linesAreWrittenWithinTheFlushInterval() throws Exception {
    start(8192, 20, recording);
    logger.info("soon");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!text().contains("INFO soon") && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(text()).isEqualTo("INFO soon\n");
  }

  @Test
  void aWarningWakesTheWriterAtOnce() throws Exception {
    start(8192, 600_000, recording);
    logger.info("before");
    logger.warn("urgent");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!text().contains("WARN urgent") && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(text()).isEqualTo("INFO before\nWARN urgent\n");
  }

  @Test
  void aFullQueueDropsLinesWithoutBlockingTheCallerAndSaysHowManyWereDropped() throws Exception {
    CountDownLatch writerStuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stuckOnce = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writerStuck.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        record(b, off, len);
      }
    };
    start(4, 600_000, stuckOnce);
    logger.warn("first");
    assertThat(writerStuck.await(5, TimeUnit.SECONDS)).isTrue();
    long started = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      logger.info("queued or dropped {}", i);
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
        .as("the caller never waits for the writer").isLessThan(2_000);
    assertThat(appender.droppedNotYetReported()).isEqualTo(6);
    release.countDown();
    appender.stop();
    assertThat(text()).startsWith("WARN first\n")
        .contains("INFO queued or dropped 0\n", "INFO queued or dropped 3\n")
        .doesNotContain("queued or dropped 4")
        .endsWith("WARN 6 log lines were dropped: the log writer could not keep up\n");
  }

  @Test
  void withoutAnEncoderItDoesNotStart() {
    BatchingConsoleAppender bare = new BatchingConsoleAppender();
    bare.setContext(context);
    bare.start();
    assertThat(bare.isStarted()).isFalse();
  }
}
