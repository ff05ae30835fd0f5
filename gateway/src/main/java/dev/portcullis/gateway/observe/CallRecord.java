package dev.portcullis.gateway.observe;

import dev.portcullis.common.bus.Usage;

/**
 * What the gateway knows about one call when it is over: enough for the access log and metrics,
 * and nothing secret (no headers, no body, no query string).
 */
public record CallRecord(
    String requestId,
    String method,
    String path,
    String provider,
    String operation,
    String proxyId,
    boolean stream,
    int status,
    long durationNanos,
    long firstByteNanos,
    Usage usage,
    String outcome) {}
