package dev.portcullis.policy.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.answer.AnswerGates;
import dev.portcullis.policy.answer.Rewritten;
import dev.portcullis.policy.answer.StreamGate;
import dev.portcullis.policy.answer.StreamGates;
import dev.portcullis.policy.answer.redact.StreamRedactGate;
import dev.portcullis.policy.conversation.ApiFamily;
import dev.portcullis.policy.conversation.Conversation;
import dev.portcullis.policy.conversation.ConversationFormatException;
import dev.portcullis.policy.conversation.ConversationReader;
import dev.portcullis.policy.conversation.ToolResult;
import dev.portcullis.policy.document.Direction;
import dev.portcullis.policy.document.PolicyDocument;
import dev.portcullis.policy.document.RuleId;
import dev.portcullis.policy.document.SensitiveAction;
import dev.portcullis.policy.document.SensitiveRule;
import dev.portcullis.policy.rules.CompiledPolicy;
import dev.portcullis.policy.rules.TrustVerdict;
import dev.portcullis.policy.sensitive.Detectors;
import dev.portcullis.policy.sensitive.JsonBodyScanner;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One LLM proxy's policies, ready to apply to its calls: the gateway asks it about each request
 * ({@link #onRequest}) and each answer ({@link #onAnswer}, {@link #streamGate}); the admin API's
 * {@code evaluate} asks the same questions of a pasted request or answer, so what it says is what
 * the gateway does. Immutable and thread-safe: built once per version of the proxy's document.
 *
 * <p>Order on a request: sensitive data first (a blocked secret refuses the call whatever else it
 * holds; redaction changes what the later steps read), then the tool results' trust (a
 * {@code blocked} result refuses the call; an untrusted one makes the context untrusted), then
 * the judge for the answer's tool calls in that context.
 */
public final class PolicyEngine {

  /** Proxies without a document: every call goes through untouched, unread. */
  public static final PolicyEngine NONE = new PolicyEngine(null, null, null, Map.of(), Map.of(), null);

  private final CompiledPolicy policy;
  private final JsonBodyScanner requests;
  private final JsonBodyScanner answers;
  /** The rule id that blocks each detector, per direction: {@code sensitiveData[2]}. */
  private final Map<String, String> requestRuleOfDetector;
  private final Map<String, String> answerRuleOfDetector;
  /**
   * Whether tool results are read: only a document with tool or trust rules needs the context's
   * trust (one with sensitive-data rules alone never reads the conversation).
   */
  private final boolean readsToolResults;

  /** The answer side's scanners by action (block, redact, log), for streamed answers; null: no answer rules. */
  private final SensitiveScanner[] answerScanners;

  private PolicyEngine(CompiledPolicy policy, JsonBodyScanner requests, JsonBodyScanner answers,
      Map<String, String> requestRuleOfDetector, Map<String, String> answerRuleOfDetector,
      SensitiveScanner[] answerScanners) {
    this.answerScanners = answerScanners;
    this.policy = policy;
    this.requests = requests;
    this.answers = answers;
    this.requestRuleOfDetector = requestRuleOfDetector;
    this.answerRuleOfDetector = answerRuleOfDetector;
    this.readsToolResults = policy != null && (!policy.document().toolInvocation().isEmpty()
        || !policy.document().trustedData().rules().isEmpty());
  }

  /** The engine of a document, its detectors taken from {@code detectors}. */
  public static PolicyEngine of(PolicyDocument document, Detectors detectors) {
    if (document == null || document.isEmpty()) {
      return NONE;
    }
    Map<String, String> requestRules = new HashMap<>();
    Map<String, String> answerRules = new HashMap<>();
    SensitiveScanner[] requestScanners = scanners(document, detectors, Direction.REQUEST, requestRules);
    SensitiveScanner[] answerScanners = scanners(document, detectors, Direction.ANSWER, answerRules);
    JsonBodyScanner answers = bodyScanner(answerScanners);
    return new PolicyEngine(CompiledPolicy.of(document, detectors), bodyScanner(requestScanners), answers,
        Map.copyOf(requestRules), Map.copyOf(answerRules), answers == null ? null : answerScanners);
  }

  public boolean isEmpty() {
    return policy == null;
  }

  /**
   * @param family the API the request is in, or null for one whose conversation policies do not
   *     read (embeddings, native model bodies): then only sensitive data applies
   * @param clientSaysUntrusted the client's {@code x-portcullis-context-untrusted: true}
   */
  public RequestDecision onRequest(ApiFamily family, Buffer body, boolean clientSaysUntrusted) {
    if (policy == null) {
      return new RequestDecision(null, null, body, clientSaysUntrusted,
          clientSaysUntrusted ? "the client said so" : null, null, Map.of(), Map.of());
    }
    Buffer sent = body;
    Map<String, Integer> redacted = Map.of();
    Map<String, Integer> logged = Map.of();
    boolean readsConversation = family != null && readsToolResults;
    Conversation conversation = null;
    if (requests != null) {
      // One pass over the bytes: the conversation is read through the scan, its strings as redacted.
      JsonBodyScanner.Read<Conversation> read = requests.scanWhileReading(body,
          readsConversation ? parser -> ConversationReader.readRequestFrom(family, parser) : null);
      JsonBodyScanner.Outcome found = read.outcome();
      if (found.blocked()) {
        String rule = requestRuleOfDetector.get(found.blockedBy());
        return new RequestDecision(refusal("request", found, rule), rule, body, clientSaysUntrusted, null, null, Map.of(),
            found.logged());
      }
      sent = found.body();
      redacted = found.redacted();
      logged = found.logged();
      conversation = read.value();
    } else if (readsConversation) {
      try {
        conversation = ConversationReader.readRequest(family, body);
      } catch (ConversationFormatException notReadable) {
        // Not a conversation we can read: the provider will refuse it; nothing here trusts it.
      }
    }
    boolean untrusted = clientSaysUntrusted;
    String reason = clientSaysUntrusted ? "the client said so (x-portcullis-context-untrusted)" : null;
    if (conversation != null) {
      List<ToolResult> results = conversation.toolResults();
      for (ToolResult result : results) {
        String tool = result.toolName() == null ? "" : result.toolName();
        TrustVerdict verdict = policy.trustOf(tool, result.content() == null ? "" : result.content());
        switch (verdict.trust()) {
          case BLOCKED -> {
            return new RequestDecision("A result of the tool '" + printable(tool) + "' is not let through by this "
                + "LLM proxy (rule " + verdict.ruleId() + ").", verdict.ruleId(), body, true, null, null, redacted,
                logged);
          }
          case UNTRUSTED -> {
            if (!untrusted) {
              untrusted = true;
              reason = "a result of the tool '" + printable(tool) + "' (" + verdict.ruleId() + ")";
            }
          }
          default -> { }
        }
      }
    }
    if (conversation != null && !conversation.remoteToolServers().isEmpty() && mayBlockToolCalls()) {
      // The provider would call that server's tools itself: no answer would show a call to judge.
      return new RequestDecision("The request lets the provider call the tools of a remote MCP server ('"
          + printable(conversation.remoteToolServers().get(0)) + "') itself, out of reach of this LLM proxy's "
          + "tool-invocation rules; offer those tools as functions instead.", "toolInvocation", body, untrusted,
          reason, null, redacted, logged);
    }
    ToolCallJudge judge = family != null ? toolCallJudge(untrusted) : null;
    return new RequestDecision(null, null, sent, untrusted, reason, judge, redacted, logged);
  }

  /**
   * The judge of an answer's tool calls in a context, or null when no rule could block one there
   * (then nothing of the answer is held).
   */
  public ToolCallJudge toolCallJudge(boolean contextUntrusted) {
    return policy != null && policy.mayBlockToolCalls(contextUntrusted) ? policy.judge(contextUntrusted) : null;
  }

  /** Whether a tool call could be blocked in some context: whether the proxy has a rule that blocks. */
  public boolean mayBlockToolCalls() {
    return policy != null && (policy.mayBlockToolCalls(false) || policy.mayBlockToolCalls(true));
  }

  /** Whether answers have sensitive-data rules (a streamed answer is then read for them). */
  public boolean hasAnswerRules() {
    return answers != null;
  }

  /**
   * A whole answer: blocked tool calls taken out, then the answer's sensitive-data rules. With both,
   * one pass reads the answer: the detectors scan its strings while the tree the rewriter judges is
   * built (from the strings as the model wrote them); only an answer that lost a blocked call is
   * scanned again, as rewritten. A {@code block} finding anywhere in it, a blocked call's arguments
   * included, refuses it.
   */
  public AnswerDecision onAnswer(ApiFamily family, Buffer body, ToolCallJudge judge) {
    boolean rewrites = judge != null && family != null;
    if (!rewrites && answers == null) {
      return new AnswerDecision(body, 0, null, null, Map.of(), Map.of());
    }
    if (!rewrites) {
      return scanned(body, 0, answers.scan(body));
    }
    if (answers == null) {
      Rewritten rewritten = AnswerGates.rewrite(family, body, judge);
      return new AnswerDecision(rewritten.body(), rewritten.blockedCalls(), null, null, Map.of(), Map.of());
    }
    if (!AnswerGates.mayHoldToolCalls(family, body)) {
      return scanned(body, 0, answers.scan(body));
    }
    JsonBodyScanner.Read<ObjectNode> read = answers.scanWhileReading(body, AnswerGates::readObject, false);
    if (read.outcome().blocked()) {
      return scanned(body, 0, read.outcome());
    }
    Rewritten rewritten = AnswerGates.rewrite(family, body, read.value(), judge);
    if (rewritten.blockedCalls() == 0) {
      return scanned(body, 0, read.outcome());
    }
    return scanned(rewritten.body(), rewritten.blockedCalls(), answers.scan(rewritten.body()));
  }

  private AnswerDecision scanned(Buffer out, int blocked, JsonBodyScanner.Outcome found) {
    if (found.blocked()) {
      String rule = answerRuleOfDetector.get(found.blockedBy());
      return new AnswerDecision(out, blocked, refusal("answer", found, rule), rule, Map.of(), found.logged());
    }
    return new AnswerDecision(found.body(), blocked, null, null, found.redacted(), found.logged());
  }

  /** Whether whole answers are read at all (a judge, or answer-side sensitive rules). */
  public boolean readsAnswers(ToolCallJudge judge) {
    return judge != null || answers != null;
  }

  /**
   * The gates for a streamed answer in {@code family} ({@code jsonArray}: Gemini without
   * {@code alt=sse}): tool calls judged first, then the text's sensitive data; null when there is
   * nothing to hold or read.
   */
  public AnswerStream streamGate(ApiFamily family, boolean jsonArray, ToolCallJudge judge) {
    if (family == null) {
      return null;
    }
    StreamGate tools = judge == null ? null : AnswerGates.streamGate(family, jsonArray, judge);
    StreamRedactGate text = answerScanners == null ? null
        : AnswerGates.redactGate(family, jsonArray, answerScanners[0], answerScanners[1], answerScanners[2]);
    if (tools == null && text == null) {
      return null;
    }
    StreamGate gate = tools == null ? text : text == null ? tools : StreamGates.chain(tools, text);
    return new AnswerStream(gate, text, text == null ? null : answerRuleOfDetector);
  }

  /** Why a request or an answer is refused for what a detector found in it (the rule is named by the caller). */
  private static String refusal(String what, JsonBodyScanner.Outcome found, String rule) {
    String because = "The " + what + " holds data the '" + found.blockedBy() + "' detector finds, which this LLM proxy "
        + "does not let through (rule " + rule + ").";
    return found.notJson() ? because + " The " + what + " is not JSON the policies can read, so nothing in it could be "
        + "redacted." : because;
  }

  private static JsonBodyScanner bodyScanner(SensitiveScanner[] byAction) {
    JsonBodyScanner scanner = new JsonBodyScanner(byAction[0], byAction[1], byAction[2]);
    return scanner.isEmpty() ? null : scanner;
  }

  /** The scanners of one side's rules by action: block, redact, log. */
  private static SensitiveScanner[] scanners(PolicyDocument document, Detectors detectors, Direction direction,
      Map<String, String> ruleOfDetector) {
    List<String> block = new ArrayList<>();
    List<String> redact = new ArrayList<>();
    List<String> log = new ArrayList<>();
    List<SensitiveRule> rules = document.sensitiveData();
    for (int i = 0; i < rules.size(); i++) {
      SensitiveRule rule = rules.get(i);
      if (!rule.direction().covers(direction)) {
        continue;
      }
      ruleOfDetector.put(rule.detector(), RuleId.of(rule.id(), "sensitiveData", i));
      (rule.action() == SensitiveAction.BLOCK ? block : rule.action() == SensitiveAction.REDACT ? redact : log)
          .add(rule.detector());
    }
    return new SensitiveScanner[] {new SensitiveScanner(detectors.get(block)),
        new SensitiveScanner(detectors.get(redact)), new SensitiveScanner(detectors.get(log))};
  }

  /** A name from a request, fit for a message and a header: printable ASCII, at most 64 characters. */
  static String printable(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), 64));
    for (int i = 0; i < name.length() && out.length() < 64; i++) {
      char c = name.charAt(i);
      out.append(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
    }
    return out.toString();
  }
}
