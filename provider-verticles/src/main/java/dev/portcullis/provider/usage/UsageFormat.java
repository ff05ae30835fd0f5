package dev.portcullis.provider.usage;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How one API reports the tokens a call used: in a whole answer, and in a streamed one. Every API
 * that copies OpenAI's shares {@link #OPENAI}.
 */
public interface UsageFormat {

  /** The usage a complete 2xx answer reports ({@link Usage#UNKNOWN} for operations that report none). */
  Usage read(ProxyRequest request, Buffer body);

  /**
   * The usage a complete 2xx answer reports, where its headers may tell it too (Bedrock's
   * InvokeModel, whose body is the model's own); by default the body's alone.
   */
  default Usage read(ProxyRequest request, MultiMap headers, Buffer body) {
    return read(request, body);
  }

  /** A fresh observer for a streamed answer of this request ({@link UsageObserver#NONE} when it reports none). */
  UsageObserver observe(ProxyRequest request);

  /** OpenAI's {@code usage} object, in the answer and in the stream's last chunk. */
  UsageFormat OPENAI = of((request, body) -> OpenAiUsageReader.read(body), request -> new OpenAiStreamUsageObserver(
      OpenAiStreamUsageObserver.endsWithLastEvent(request.operation())));

  /** A format from its two readers. */
  static UsageFormat of(BiFunction<ProxyRequest, Buffer, Usage> read, Function<ProxyRequest, UsageObserver> observe) {
    return new UsageFormat() {
      @Override
      public Usage read(ProxyRequest request, Buffer body) {
        return read.apply(request, body);
      }

      @Override
      public UsageObserver observe(ProxyRequest request) {
        return observe.apply(request);
      }
    };
  }
}
