package dev.portcullis.gateway.proxy;

import dev.portcullis.gateway.auth.CredentialResolver;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Sets a call up for the audit log before it is sent: its LLM proxy's level (from auth-service's
 * proxy directory, cached like the rest of its answers) and, at {@code full}, the request body
 * and a capture of the answer, each up to {@code bodyLimit} bytes. Redaction happens off the event
 * loop, before the record reaches the journal.
 */
final class AuditCapture {

  private final CredentialResolver resolver;
  private final int bodyLimit;

  AuditCapture(CredentialResolver resolver, int bodyLimit) {
    this.resolver = resolver;
    this.bodyLimit = bodyLimit;
  }

  /**
   * Completes once the call is set up. When the directory cannot be read (auth-service is down
   * and nothing is cached), the call is not audited: passthrough calls keep working then, and
   * bodies are never kept for a proxy that did not ask for it.
   */
  Future<Void> prepare(Call call, Buffer body) {
    return resolver.auditLevel(call.effectiveProxyId).otherwise("none").map(level -> {
      call.auditLevel = level;
      if ("full".equals(level)) {
        AnswerCapture request = new AnswerCapture(bodyLimit);
        request.add(body);
        call.auditedRequest = request.bytes();
        call.auditedRequestTruncated = request.truncated();
        call.auditedAnswer = new AnswerCapture(bodyLimit);
      }
      return null;
    });
  }
}
