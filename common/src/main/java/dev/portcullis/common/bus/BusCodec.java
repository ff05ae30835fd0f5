package dev.portcullis.common.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A codec for one message type of the internal API. Inside one JVM it hands the object over as it
 * is (no copy, no serialization). Across the cluster it writes a small JSON header followed by the
 * raw body bytes, so prompts and answers are never base64-encoded inside JSON:
 *
 * <pre>
 *   int32 header length | header (UTF-8 JSON) | int32 body length (-1: none) | body bytes
 * </pre>
 */
public final class BusCodec<T> implements MessageCodec<T, T> {

  private final Class<T> type;
  private final Function<T, JsonObject> header;
  private final Function<T, Buffer> body;
  private final BiFunction<JsonObject, Buffer, T> reader;

  BusCodec(Class<T> type, Function<T, JsonObject> header, Function<T, Buffer> body,
      BiFunction<JsonObject, Buffer, T> reader) {
    this.type = type;
    this.header = header;
    this.body = body;
    this.reader = reader;
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer head = header.apply(value).toBuffer();
    buffer.appendInt(head.length()).appendBuffer(head);
    Buffer bytes = body.apply(value);
    if (bytes == null) {
      buffer.appendInt(-1);
    } else {
      buffer.appendInt(bytes.length()).appendBuffer(bytes);
    }
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int headLength = buffer.getInt(pos);
    pos += 4;
    JsonObject head = new JsonObject(buffer.getBuffer(pos, pos + headLength));
    pos += headLength;
    int bodyLength = buffer.getInt(pos);
    pos += 4;
    Buffer bytes = bodyLength < 0 ? null : buffer.getBuffer(pos, pos + bodyLength);
    return reader.apply(head, bytes);
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "portcullis." + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
