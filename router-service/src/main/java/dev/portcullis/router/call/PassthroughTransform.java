package dev.portcullis.router.call;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** An OpenAI-format stream relayed as it came: the same buffers, not a byte copied. */
final class PassthroughTransform implements StreamTransform {

  static final PassthroughTransform INSTANCE = new PassthroughTransform();

  @Override
  public MultiMap headers(MultiMap providerHeaders) {
    return providerHeaders;
  }

  @Override
  public Buffer onData(Buffer bytes) {
    return bytes;
  }

  @Override
  public boolean ended() {
    return false;
  }

  @Override
  public Buffer onEnd() {
    return Buffer.buffer();
  }

  @Override
  public Buffer onFailure(GatewayError error) {
    return null;
  }

  @Override
  public Usage usage(Usage reported) {
    return reported;
  }
}
