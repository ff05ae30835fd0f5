package dev.portcullis.policy.rules;

import dev.portcullis.policy.document.Direction;
import dev.portcullis.policy.document.PolicyDocument;
import dev.portcullis.policy.document.RuleId;
import dev.portcullis.policy.document.SensitiveAction;
import dev.portcullis.policy.document.SensitiveRule;
import dev.portcullis.policy.document.ToolRule;
import dev.portcullis.policy.document.Trust;
import dev.portcullis.policy.document.TrustRule;
import dev.portcullis.policy.sensitive.Detectors;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import dev.portcullis.policy.tools.ToolCallJudge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy document made ready for evaluation: the tool-call judges of a trusted and an untrusted
 * context, the trust of tool results, and the sensitive-data rules and scanners of each side.
 * Immutable and thread-safe; compile once per document version and share. The rules' semantics
 * are told in {@link PolicyDocument}.
 */
public final class CompiledPolicy {

  /** What a proxy without policies gets. */
  public static final CompiledPolicy EMPTY = of(PolicyDocument.EMPTY);

  private final PolicyDocument document;
  private final ToolCallJudge trustedContextJudge;
  private final ToolCallJudge untrustedContextJudge;
  private final boolean mayBlockInTrustedContext;
  private final boolean mayBlockInUntrustedContext;
  private final List<TrustRule> trustRules;
  private final List<String> trustRuleIds;
  private final Sensitive request;
  private final Sensitive answer;

  private CompiledPolicy(PolicyDocument document, Detectors detectors) {
    this.document = document;
    List<ToolRuleJudge.Entry> trusted = new ArrayList<>();
    List<ToolRuleJudge.Entry> untrusted = new ArrayList<>();
    for (int i = 0; i < document.toolInvocation().size(); i++) {
      ToolRule rule = document.toolInvocation().get(i);
      ToolRuleJudge.Entry entry = new ToolRuleJudge.Entry(RuleId.of(rule.id(), "toolInvocation", i), rule);
      if (rule.action().appliesIn(false)) {
        trusted.add(entry);
      }
      untrusted.add(entry);
    }
    this.mayBlockInTrustedContext = anyBlocks(trusted);
    this.mayBlockInUntrustedContext = anyBlocks(untrusted);
    // Without a blocking rule every call passes: the shared ALLOW_ALL tells callers to hold nothing.
    this.trustedContextJudge = mayBlockInTrustedContext ? new ToolRuleJudge(trusted) : ToolCallJudge.ALLOW_ALL;
    this.untrustedContextJudge = mayBlockInUntrustedContext ? new ToolRuleJudge(untrusted) : ToolCallJudge.ALLOW_ALL;
    this.trustRules = document.trustedData().rules();
    List<String> ids = new ArrayList<>(trustRules.size());
    for (int i = 0; i < trustRules.size(); i++) {
      ids.add(RuleId.of(trustRules.get(i).id(), "trustedData.rules", i));
    }
    this.trustRuleIds = List.copyOf(ids);
    this.request = new Sensitive(document.sensitiveData(), Direction.REQUEST, detectors);
    this.answer = new Sensitive(document.sensitiveData(), Direction.ANSWER, detectors);
  }

  /** With the detectors' default settings (phone numbers in international form, virtual keys by shape). */
  public static CompiledPolicy of(PolicyDocument document) {
    return of(document, Detectors.defaults());
  }

  /** @param detectors the detectors as this process's settings make them */
  public static CompiledPolicy of(PolicyDocument document, Detectors detectors) {
    return new CompiledPolicy(document, detectors);
  }

  public PolicyDocument document() {
    return document;
  }

  /** Whether the document is empty: nothing to check, nothing to hold. */
  public boolean isEmpty() {
    return document.isEmpty();
  }

  /**
   * The judge of tool calls in a context that is untrusted or not. In a trusted context the
   * {@code *_when_context_untrusted} rules take no part. {@link ToolCallJudge#ALLOW_ALL} when no
   * rule could block there.
   */
  public ToolCallJudge judge(boolean contextUntrusted) {
    return contextUntrusted ? untrustedContextJudge : trustedContextJudge;
  }

  /** False when no rule could block a tool call in that context: then the gateway holds nothing back. */
  public boolean mayBlockToolCalls(boolean contextUntrusted) {
    return contextUntrusted ? mayBlockInUntrustedContext : mayBlockInTrustedContext;
  }

  /**
   * The trust of one tool result: the first trust rule whose tool glob matches {@code toolName}
   * and whose {@code resultMatches} (when it has one) is found in {@code resultText} decides;
   * else the document's default.
   */
  public TrustVerdict trustOf(String toolName, String resultText) {
    for (int i = 0; i < trustRules.size(); i++) {
      TrustRule rule = trustRules.get(i);
      if (rule.tool().matches(toolName)
          && (rule.resultMatches() == null || rule.resultMatches().find(resultText == null ? "" : resultText))) {
        return new TrustVerdict(rule.trust(), trustRuleIds.get(i));
      }
    }
    return new TrustVerdict(document.trustedData().defaultTrust(), TrustVerdict.DEFAULT_RULE);
  }

  /** What a tool result no rule matches gets. */
  public Trust defaultTrust() {
    return document.trustedData().defaultTrust();
  }

  /** The sensitive-data rules of one side ({@link Direction#REQUEST} or {@link Direction#ANSWER}), in document order. */
  public List<SensitiveRule> sensitive(Direction side) {
    return of(side).rules;
  }

  /** The action for findings of {@code detector} on that side, or null when no rule names it. */
  public SensitiveAction sensitiveAction(Direction side, String detector) {
    return of(side).actions.get(detector);
  }

  /** The scanner of that side's detectors (none when it has no rules): what its findings mean says {@link #sensitiveAction}. */
  public SensitiveScanner scanner(Direction side) {
    return of(side).scanner;
  }

  private Sensitive of(Direction side) {
    return switch (side) {
      case REQUEST -> request;
      case ANSWER -> answer;
      case BOTH -> throw new IllegalArgumentException("ask about one side: REQUEST or ANSWER");
    };
  }

  private static boolean anyBlocks(List<ToolRuleJudge.Entry> rules) {
    return rules.stream().anyMatch(entry -> entry.rule().action().blocks());
  }

  /** One side's sensitive-data rules, their actions by detector, and the scanner of those detectors. */
  private static final class Sensitive {
    private final List<SensitiveRule> rules;
    private final Map<String, SensitiveAction> actions;
    private final SensitiveScanner scanner;

    Sensitive(List<SensitiveRule> all, Direction side, Detectors detectors) {
      List<SensitiveRule> chosen = all.stream().filter(rule -> rule.direction().covers(side)).toList();
      Map<String, SensitiveAction> byDetector = new LinkedHashMap<>();
      chosen.forEach(rule -> byDetector.put(rule.detector(), rule.action()));
      this.rules = chosen;
      this.actions = Map.copyOf(byDetector);
      this.scanner = new SensitiveScanner(detectors.get(List.copyOf(byDetector.keySet())));
    }
  }
}
