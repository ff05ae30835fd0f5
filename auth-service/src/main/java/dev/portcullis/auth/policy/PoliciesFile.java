package dev.portcullis.auth.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.auth.store.LlmProxy;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AuthEvents;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.policy.document.Excerpt;
import dev.portcullis.policy.document.PolicyDocument;
import dev.portcullis.policy.document.PolicyDocumentException;
import dev.portcullis.policy.document.PolicyDocumentParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy documents of {@code PORTCULLIS_POLICIES_FILE}, for GitOps: a YAML file
 * <pre>
 * llmProxies:
 *   &lt;proxy id or name&gt;:
 *     toolInvocation: [...]
 *     trustedData: {...}
 *     sensitiveData: [...]
 * </pre>
 * read and validated whole before anything is stored, then applied at every start of
 * auth-service: the file wins over the admin API for the proxies it names, and leaves the others'
 * documents as they are. Any problem is a {@link SettingsException} naming the file, the proxy
 * and the field, which stops the start. Logs name proxies, never rules.
 */
public final class PoliciesFile {

  public static final String SETTING = "PORTCULLIS_POLICIES_FILE";
  /** Far more than any hand-written policies file; YAML anchors cannot expand past it either. */
  static final long MAX_BYTES = 16L << 20;
  private static final Logger LOG = LoggerFactory.getLogger(PoliciesFile.class);
  /** Duplicate keys refused: a proxy or field named twice is a mistake, not a choice of either. */
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  private final Path file;
  /** By the key the file names each proxy with, in file order. */
  private final Map<String, PolicyDocument> documents;

  private PoliciesFile(Path file, Map<String, PolicyDocument> documents) {
    this.file = file;
    this.documents = Collections.unmodifiableMap(documents);
  }

  /** Reads and validates every document of the file. Blocking: call it on a worker thread. */
  public static PoliciesFile read(Path file) {
    JsonNode root;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw refused(file, "larger than " + MAX_BYTES + " bytes");
      }
      root = YAML.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw refused(file, "not valid YAML: " + Excerpt.of(e.getOriginalMessage()));
    } catch (IOException e) {
      throw refused(file, "cannot be read: " + e.getClass().getSimpleName() + " " + Excerpt.of(e.getMessage()));
    }
    return new PoliciesFile(file, documents(file, root));
  }

  private static Map<String, PolicyDocument> documents(Path file, JsonNode root) {
    if (root == null || !root.isObject() || root.size() != 1 || !root.has("llmProxies")) {
      throw refused(file, "expected one mapping, llmProxies, of LLM proxy ids or names to their policies");
    }
    JsonNode proxies = root.get("llmProxies");
    if (!proxies.isObject()) {
      throw refused(file, "llmProxies must map LLM proxy ids or names to their policies");
    }
    Map<String, PolicyDocument> documents = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : proxies.properties()) {
      try {
        documents.put(entry.getKey(), PolicyDocumentParser.parse(entry.getValue()));
      } catch (PolicyDocumentException e) {
        throw refused(file, "LLM proxy '" + Excerpt.of(entry.getKey()) + "': " + e.getMessage());
      }
    }
    return documents;
  }

  /** The documents by the key the file names each proxy with (an id or a name), in file order. */
  public Map<String, PolicyDocument> documents() {
    return documents;
  }

  /**
   * Stores each document on the proxy its key names (an id first, else a name) and tells the
   * gateways. Fails with a {@link SettingsException}, before storing anything, when a key names no
   * proxy or two keys name the same one.
   *
   * @return how many proxies got their document
   */
  public Future<Integer> applyTo(AuthStore store, Vertx vertx) {
    return store.listLlmProxies().compose(proxies -> {
      Map<String, PolicyDocument> byProxyId = resolve(proxies);
      Future<?> chain = Future.succeededFuture();
      for (Map.Entry<String, PolicyDocument> entry : byProxyId.entrySet()) {
        String id = entry.getKey();
        PolicyDocument document = entry.getValue();
        chain = chain.compose(v -> store.setPolicies(id, document.isEmpty() ? null : document.toJsonText()))
            .onSuccess(v -> vertx.eventBus().publish(Addresses.AUTH_EVENTS,
                AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, id)));
      }
      return chain.map(v -> {
        LOG.info("Policies of {} LLM proxies applied from {}: {}", byProxyId.size(), file,
            String.join(", ", documents.keySet()));
        return byProxyId.size();
      });
    });
  }

  private Map<String, PolicyDocument> resolve(List<LlmProxy> proxies) {
    Map<String, String> idsByName = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (LlmProxy proxy : proxies) {
      idsByName.put(proxy.name(), proxy.id());
      ids.add(proxy.id());
    }
    Map<String, PolicyDocument> byProxyId = new LinkedHashMap<>();
    Map<String, String> keyOfProxy = new HashMap<>();
    for (Map.Entry<String, PolicyDocument> entry : documents.entrySet()) {
      String key = entry.getKey();
      String id = ids.contains(key) ? key : idsByName.get(key);
      if (id == null) {
        throw refused(file, "llmProxies names '" + Excerpt.of(key) + "', but no LLM proxy has that id or name; "
            + "create it first (POST /api/admin/llm-proxies)");
      }
      String earlier = keyOfProxy.putIfAbsent(id, key);
      if (earlier != null) {
        throw refused(file, "llmProxies names one LLM proxy twice, as '" + Excerpt.of(earlier) + "' and '"
            + Excerpt.of(key) + "'");
      }
      byProxyId.put(id, entry.getValue());
    }
    return byProxyId;
  }

  private static SettingsException refused(Path file, String problem) {
    return new SettingsException(SETTING, "file " + file + ": " + problem);
  }
}
