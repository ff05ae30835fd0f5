package dev.portcullis.policy.answer;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/** Ways to combine {@link StreamGate}s. */
public final class StreamGates {

  private StreamGates() {}

  /**
   * One gate after another: {@code second} sees exactly what {@code first} releases, when it
   * releases it (at {@link StreamGate#end} too, before {@code second} itself is ended). Used to run
   * the tool-call gate and then the sensitive-data gate, so a blocked call's replacement text is
   * scanned like any other and the redactor never sees a call that is still being judged.
   */
  public static StreamGate chain(StreamGate first, StreamGate second) {
    return new StreamGate() {
      @Override
      public void accept(Buffer chunk, Consumer<Buffer> out) {
        first.accept(chunk, released -> second.accept(released, out));
      }

      @Override
      public void end(Consumer<Buffer> out) {
        first.end(released -> second.accept(released, out));
        second.end(out);
      }

      @Override
      public int blockedCalls() {
        return first.blockedCalls() + second.blockedCalls();
      }
    };
  }
}
