package dev.portcullis.usage.audit;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A write stream that keeps what it is given, for reading an export in a test. */
final class BufferSink implements WriteStream<Buffer> {

  final Buffer written = Buffer.buffer();
  final List<Integer> writes = new ArrayList<>();

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public synchronized Future<Void> write(Buffer data) {
    written.appendBuffer(data);
    writes.add(data.length());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    return this;
  }

  List<String> lines() {
    return new ArrayList<>(List.of(written.toString(StandardCharsets.UTF_8).split("\n")));
  }
}
