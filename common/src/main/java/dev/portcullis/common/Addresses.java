package dev.portcullis.common;

/**
 * Event-bus addresses of the internal API (docs/event-bus-api.md lists them with their messages). Other JVM services
 * that join the cluster use these names and nothing else.
 */
public final class Addresses {

  /** Prefix of the address each provider verticle consumes: {@code portcullis.provider.<name>}. */
  public static final String PROVIDER_PREFIX = "portcullis.provider.";
  /** The model router's address. */
  public static final String ROUTER_MODEL = "portcullis.router.model";
  /** Credential verification by auth-service. */
  public static final String AUTH_VERIFY = "portcullis.auth.verify";
  /** Published revocations and changes; every gateway drops what it cached. */
  public static final String AUTH_EVENTS = "portcullis.auth.events";
  /** OAuth client-credentials token requests, forwarded by the gateway's token endpoint. */
  public static final String AUTH_TOKEN = "portcullis.auth.token";
  /** OAuth client id to its current principal, asked once per client after a token verified locally. */
  public static final String AUTH_OAUTH_CLIENT = "portcullis.auth.oauth-client";
  /** The LLM proxy directory: which proxy ids exist and which one is the default. */
  public static final String AUTH_PROXIES = "portcullis.auth.proxies";
  /**
   * The public keys that verify access tokens and the virtual-key checksum key ({@code GatewayKeys}),
   * asked by gateways, which never hold the auth secret.
   */
  public static final String AUTH_KEYS = "portcullis.auth.keys";
  /**
   * Whether what a limit rule names exists: {@code {"virtualKeyId" | "oauthClientId" | "llmProxyId": id}}
   * answered with {@code {"exists": true | false}}, asked by the ledger before it stores a rule.
   */
  public static final String AUTH_SUBJECT = "portcullis.auth.subject";
  /**
   * The usage ledger: a batch of usage records (JSON lines, {@code UsageRecordLines}),
   * answered with how many were new once they are stored; a failed answer leaves them journaled.
   */
  public static final String USAGE_RECORDS = "portcullis.usage.records";
  /**
   * A header of a {@link #USAGE_RECORDS} batch its gateway never sent before: the ledger may
   * insert it without first looking for records already stored (a duplicate would still fail on
   * the primary key, and the batch come back without the header).
   */
  public static final String USAGE_NEVER_SENT_HEADER = "portcullis-never-sent";
  /**
   * The limit rules: {@code {"since": version}} (optional) answered with
   * {@code {"version": n, "rules": [...]}}, or only {@code {"version": n}} when nothing changed since.
   */
  public static final String LIMITS_RULES = "portcullis.limits.rules";
  /** Published {@code {"version": n}} whenever a limit rule changes; every gateway fetches the rules again. */
  public static final String LIMITS_EVENTS = "portcullis.limits.events";
  /**
   * What the ledger holds of a spend rule's window: {@code {"ruleId": id}} answered with
   * {@code {"revision": r, "buckets": {"<bucket>": nanoUsd, ...}}}, the rule's window cut into its buckets.
   */
  public static final String LIMITS_SPENT = "portcullis.limits.spent";
  /**
   * A price quote from the ledger's price book: {@code {"provider", "model", "in", "out", "cached",
   * "cacheWrite", "reasoning"}} answered with {@code {"costUsd": number}}, or {@code null} when no price is known;
   * {@code {"provider", "model", "sheet": true}} is answered with the model's whole price as it is now,
   * {@code {"price": sheet}} ({@code PriceSheets}) or {@code {"price": null}}.
   */
  public static final String USAGE_QUOTE = "portcullis.usage.quote";

  /**
   * Published, with no body, when an administrator sets or removes a price: each ledger re-reads
   * its overrides, and each gateway drops the price sheets it keeps for its spend limits.
   */
  public static final String PRICES_CHANGED = "portcullis.usage.prices";
  /** Prefix of the one-off addresses that carry the frames of one stream. */
  public static final String STREAM_PREFIX = "portcullis.stream.";

  private Addresses() {}

  public static String provider(String name) {
    return PROVIDER_PREFIX + name;
  }
}
