package dev.portcullis.gateway.proxy;

import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.stream.bus.StreamReceiver;

/** What a provider verticle or the model router answered over the bus. */
sealed interface BusReply {

  /** A whole answer: a {@code ProxyResponse}, a {@code GatewayError}, or something unexpected. */
  record Whole(Object body) implements BusReply {}

  /** A streamed answer has begun: its head, and the receiver its frames arrive at. */
  record Streamed(StreamFrame.Head head, StreamReceiver receiver) implements BusReply {}
}
