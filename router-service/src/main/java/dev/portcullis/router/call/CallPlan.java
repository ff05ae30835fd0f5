package dev.portcullis.router.call;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.stream.bus.StreamFrame;
import java.util.function.Function;

/**
 * How one model router call is made: the request for the provider verticle, what becomes of a
 * whole reply (a {@code ProxyResponse} or {@code GatewayError}) on its way to the gateway, and how a
 * streamed answer is rewritten.
 */
record CallPlan(ProxyRequest toProvider, Function<Object, Object> whole,
    Function<StreamFrame.Head, StreamTransform> stream) {}
