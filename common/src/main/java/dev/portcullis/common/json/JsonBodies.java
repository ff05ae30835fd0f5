package dev.portcullis.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;

/** JSON parsers over a whole body where its bytes lie: usage readers, sensitive-data scans. */
public final class JsonBodies {

  private JsonBodies() {}

  /**
   * A parser over {@code body}: on its backing array when it has one (the usual heap buffer of an
   * upstream answer), so reading usage costs no copy of the answer; over a copy otherwise.
   */
  public static JsonParser parser(JsonFactory factory, Buffer body) throws IOException {
    ByteBuf bytes = ((BufferInternal) body).getByteBuf();
    if (bytes.hasArray()) {
      return factory.createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
    }
    return factory.createParser(body.getBytes());
  }
}
