package dev.portcullis.gateway.limit;

import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit rules as the gateway looks them up on every call: by the virtual key, OAuth client and
 * LLM proxy they apply to, plus the organization's. Immutable; a new version replaces it whole. A
 * call no rule names costs three map lookups.
 */
final class RuleIndex {

  static final RuleIndex EMPTY = new RuleIndex(0, List.of());

  private final long version;
  private final List<LimitRule> all;
  private final List<LimitRule> organization = new ArrayList<>();
  private final Map<String, List<LimitRule>> byVirtualKey = new HashMap<>();
  private final Map<String, List<LimitRule>> byOAuthClient = new HashMap<>();
  private final Map<String, List<LimitRule>> byProxy = new HashMap<>();

  RuleIndex(long version, List<LimitRule> rules) {
    this.version = version;
    this.all = List.copyOf(rules);
    for (LimitRule rule : rules) {
      LimitRule.Subject subject = rule.appliesTo();
      switch (subject.kind()) {
        case ORGANIZATION -> organization.add(rule);
        case VIRTUAL_KEY -> byVirtualKey.computeIfAbsent(subject.id(), k -> new ArrayList<>()).add(rule);
        case OAUTH_CLIENT -> byOAuthClient.computeIfAbsent(subject.id(), k -> new ArrayList<>()).add(rule);
        case LLM_PROXY -> byProxy.computeIfAbsent(subject.id(), k -> new ArrayList<>()).add(rule);
      }
    }
  }

  long version() {
    return version;
  }

  List<LimitRule> all() {
    return all;
  }

  /** Every rule that covers a call by this caller, through this proxy, to {@code provider:model}. */
  List<LimitRule> applicable(CallerKind callerKind, String callerId, String proxyId, String provider, String model) {
    if (all.isEmpty()) {
      return List.of();
    }
    List<LimitRule> found = null;
    found = add(found, organization, provider, model);
    if (proxyId != null) {
      found = add(found, byProxy.get(proxyId), provider, model);
    }
    if (callerId != null) {
      if (callerKind == CallerKind.VIRTUAL_KEY) {
        found = add(found, byVirtualKey.get(callerId), provider, model);
      } else if (callerKind == CallerKind.OAUTH_CLIENT) {
        found = add(found, byOAuthClient.get(callerId), provider, model);
      }
    }
    return found == null ? List.of() : found;
  }

  private static List<LimitRule> add(List<LimitRule> found, List<LimitRule> rules, String provider, String model) {
    if (rules == null) {
      return found;
    }
    for (LimitRule rule : rules) {
      if (rule.coversModel(provider, model)) {
        if (found == null) {
          found = new ArrayList<>(4);
        }
        found.add(rule);
      }
    }
    return found;
  }
}
