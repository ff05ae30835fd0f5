package dev.portcullis.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Writes log lines to standard output from one background thread, in batches. A caller (an event
 * loop writing an access line) only queues the event; the writer wakes every
 * {@code flushIntervalMs}, or at once for a WARN or ERROR line or a half-full queue, encodes
 * everything queued and writes it with one system call.
 *
 * <p>Why not Logback's {@code AsyncAppender}: it wakes its worker for every line. On a busy gateway
 * pinned to one core that is a thread switch per request, and writing each line on its own is a
 * system call per request: together about a fifth of the CPU of a proxied call, measured with a
 * profiler under the benchmark's load.
 *
 * <p>Never blocks the caller: when the queue is full the line is dropped and counted, and the next
 * batch carries a WARN line saying how many were dropped. A line waits at most
 * {@code flushIntervalMs} before it is written; at a normal stop (and on SIGTERM) everything queued
 * is written before the process exits.
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  private Encoder<ILoggingEvent> encoder;
  private int queueSize = 8192;
  private long flushIntervalMs = 50;
  private Supplier<OutputStream> output = () -> System.out;

  private ArrayBlockingQueue<ILoggingEvent> queue;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean writing;
  private volatile Thread writer;
  private Thread shutdownHook;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setFlushIntervalMs(long flushIntervalMs) {
    this.flushIntervalMs = flushIntervalMs;
  }

  /** Where the lines go; standard output (as it is at each write) unless a test says otherwise. */
  public void setOutput(Supplier<OutputStream> output) {
    this.output = output;
  }

  /** Lines dropped because the queue was full and not yet reported in a WARN line. */
  long droppedNotYetReported() {
    return dropped.get();
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("No encoder set for the appender named [" + name + "].");
      return;
    }
    if (queueSize < 2 || flushIntervalMs < 1) {
      addError("queueSize must be at least 2 and flushIntervalMs at least 1 for the appender named [" + name + "].");
      return;
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    writing = true;
    Thread thread = new Thread(this::writeUntilStopped, "portcullis-log-writer");
    thread.setDaemon(true);
    writer = thread;
    super.start();
    thread.start();
    // Logback installs no shutdown hook by default: without this, lines queued when SIGTERM
    // arrives (the last access lines, the "stopped" line) would be lost.
    shutdownHook = new Thread(this::stop, "portcullis-log-flush");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  @Override
  protected void append(ILoggingEvent event) {
    // The message, arguments and thread name are fixed now: the writer encodes later.
    event.prepareForDeferredProcessing();
    if (!queue.offer(event)) {
      dropped.incrementAndGet();
      LockSupport.unpark(writer);
      return;
    }
    if (event.getLevel().isGreaterOrEqual(Level.WARN) || queue.remainingCapacity() < queueSize / 2) {
      LockSupport.unpark(writer);
    }
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    writing = false;
    Thread thread = writer;
    if (thread != Thread.currentThread()) {
      // Woken again until it is gone: a wake-up can be used up by a write that blocks on a lock.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      try {
        while (thread.isAlive() && System.nanoTime() < deadline) {
          LockSupport.unpark(thread);
          thread.join(10);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (Thread.currentThread() != shutdownHook) {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      }
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already running its hooks; ours has nothing left to do.
    }
  }

  private void writeUntilStopped() {
    List<ILoggingEvent> batch = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(flushIntervalMs);
    while (true) {
      boolean last = !writing;
      queue.drainTo(batch);
      long lost = dropped.getAndSet(0);
      if (!batch.isEmpty() || lost > 0) {
        write(batch, lost, bytes);
        batch.clear();
        bytes.reset();
      }
      if (last) {
        return;
      }
      LockSupport.parkNanos(this, intervalNanos);
    }
  }

  private void write(List<ILoggingEvent> batch, long lost, ByteArrayOutputStream bytes) {
    for (ILoggingEvent event : batch) {
      encodeInto(event, bytes);
    }
    if (lost > 0) {
      encodeInto(droppedNotice(lost), bytes);
    }
    try {
      OutputStream out = output.get();
      bytes.writeTo(out);
      out.flush();
    } catch (IOException | RuntimeException e) {
      addError("Could not write " + batch.size() + " log lines", e);
    }
  }

  private void encodeInto(ILoggingEvent event, ByteArrayOutputStream bytes) {
    try {
      bytes.writeBytes(encoder.encode(event));
    } catch (RuntimeException e) {
      addError("Could not encode a log line", e);
    }
  }

  private ILoggingEvent droppedNotice(long lost) {
    LoggerContext context = (LoggerContext) getContext();
    return new LoggingEvent(BatchingConsoleAppender.class.getName(), context.getLogger(BatchingConsoleAppender.class),
        Level.WARN, lost + " log lines were dropped: the log writer could not keep up", null, null);
  }
}
