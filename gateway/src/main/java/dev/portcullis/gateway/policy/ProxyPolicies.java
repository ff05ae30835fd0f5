package dev.portcullis.gateway.policy;

import dev.portcullis.common.error.GatewayError;
import dev.portcullis.gateway.auth.CredentialResolver;
import dev.portcullis.policy.document.PolicyDocumentException;
import dev.portcullis.policy.document.PolicyDocumentParser;
import dev.portcullis.policy.evaluate.PolicyEngine;
import dev.portcullis.policy.sensitive.Detectors;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies of each LLM proxy, as engines: their documents come with auth-service's proxy
 * directory (cached and refreshed with it, so a change reaches every gateway within a second), and
 * each version of a document is compiled once, shared by every event loop.
 *
 * <p>Fail closed: when the directory cannot be read, or a document this gateway cannot compile
 * comes with it, the call is refused with a 503 rather than sent without its policies.
 */
public final class ProxyPolicies {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyPolicies.class);
  /** More distinct documents than proxies ever have: past it the cache starts over. */
  private static final int MAX_COMPILED = 1_000;

  private final CredentialResolver resolver;
  private final Detectors detectors;
  private final ConcurrentHashMap<String, Future<PolicyEngine>> compiled = new ConcurrentHashMap<>();

  public ProxyPolicies(CredentialResolver resolver, Detectors detectors) {
    this.resolver = resolver;
    this.detectors = detectors;
  }

  /** The engine of {@code proxyId}'s policies ({@link PolicyEngine#NONE} when it has none). */
  public Future<PolicyEngine> of(String proxyId) {
    return resolver.policyDocument(proxyId)
        .recover(unreadable -> Future.failedFuture(GatewayError.unavailable("The LLM proxy's security policies "
            + "could not be read (auth-service did not answer), so the call was not sent; retry shortly.")
            .toException()))
        .compose(document -> document == null ? Future.succeededFuture(PolicyEngine.NONE) : compiled(document));
  }

  private Future<PolicyEngine> compiled(String document) {
    Future<PolicyEngine> known = compiled.get(document);
    if (known != null) {
      return known;
    }
    if (compiled.size() >= MAX_COMPILED) {
      compiled.clear();
    }
    return compiled.computeIfAbsent(document, this::compile);
  }

  private Future<PolicyEngine> compile(String document) {
    try {
      return Future.succeededFuture(PolicyEngine.of(PolicyDocumentParser.parse(new JsonObject(document)), detectors));
    } catch (PolicyDocumentException | IllegalArgumentException e) {
      // Stored by an admin API that checked it: only a gateway older than that API gets here.
      LOG.error("An LLM proxy's security policies do not compile on this gateway ({}); its calls are refused",
          e.getMessage());
      return Future.failedFuture(GatewayError.unavailable("The LLM proxy's security policies could not be applied "
          + "by this gateway, so the call was not sent.").toException());
    }
  }
}
