package dev.portcullis.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies all gateway instances of one process hold at once. Each call
 * reserves its body's bytes as they arrive and gives them back when it ends, however it ends; a
 * body that would take the total over the cap is refused with 503 instead of growing the heap
 * until an OutOfMemoryError takes every call down with it.
 */
public final class RequestBytesBudget implements Shareable {

  private static final String MAP = "portcullis.gateway";
  private static final String KEY = "request-bytes-budget";

  private final long capacity;
  private final AtomicLong reserved = new AtomicLong();

  RequestBytesBudget(long capacity) {
    this.capacity = capacity;
  }

  /** The budget shared by every gateway instance of {@code vertx} (the first caller's capacity wins). */
  public static RequestBytesBudget of(Vertx vertx, long capacity) {
    return (RequestBytesBudget) vertx.sharedData().getLocalMap(MAP)
        .computeIfAbsent(KEY, k -> new RequestBytesBudget(capacity));
  }

  /** Takes {@code bytes} from the budget; false, and nothing taken, when they do not fit. */
  public boolean tryReserve(long bytes) {
    while (true) {
      long current = reserved.get();
      if (current + bytes > capacity) {
        return false;
      }
      if (reserved.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  public void release(long bytes) {
    if (bytes > 0) {
      reserved.addAndGet(-bytes);
    }
  }

  public long reserved() {
    return reserved.get();
  }

  public long capacity() {
    return capacity;
  }
}
