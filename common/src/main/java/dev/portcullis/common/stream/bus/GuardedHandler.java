package dev.portcullis.common.stream.bus;

import io.vertx.core.Handler;
import java.util.function.Consumer;

/**
 * A handler that cannot fail silently: whatever it throws (but a {@link VirtualMachineError}, which
 * no handler can recover from) goes to {@code onFailure}, so the stream it serves is ended with an
 * error at once instead of hanging until a timeout. Used around every handler of a relayed stream.
 */
public final class GuardedHandler {

  private GuardedHandler() {}

  public static <T> Handler<T> of(Handler<T> handler, Consumer<Throwable> onFailure) {
    return value -> {
      try {
        handler.handle(value);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        onFailure.accept(e);
      }
    };
  }
}
