package dev.portcullis.policy.sensitive;

import dev.portcullis.policy.sensitive.RegexDetector.Rule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The detectors by the names the admin API uses. One instance per set of settings (a phone
 * number's default region, the virtual-key checksum key); detectors are immutable and shared.
 */
public final class Detectors {

  public static final String AWS_ACCESS_KEY = "aws-access-key";
  public static final String PRIVATE_KEY = PrivateKeyDetector.NAME;
  public static final String JWT = JwtDetector.NAME;
  public static final String PROVIDER_API_KEY = "provider-api-key";
  public static final String VIRTUAL_KEY = VirtualKeyDetector.NAME;
  public static final String EMAIL = EmailDetector.NAME;
  public static final String CARD_NUMBER = CardNumberDetector.NAME;
  public static final String PHONE = PhoneDetector.NAME;
  public static final String IBAN = IbanDetector.NAME;

  /** Neither side of a key may touch another key character. */
  private static final String L = "(?<![A-Za-z0-9_-])";
  private static final String R = "(?![A-Za-z0-9_-])";

  /**
   * AWS: access key ids (AKIA long-term, ASIA temporary; AWS IAM "Unique identifiers" docs, gitleaks
   * rule {@code aws-access-token}); a 40-character secret access key only right after a label
   * such as {@code aws_secret_access_key =} or {@code "SecretAccessKey": "} (alone it is just
   * base64).
   */
  private static final Detector AWS = new RegexDetector(AWS_ACCESS_KEY, List.of(
      Rule.of("AKIA", "(?<![A-Z0-9])AKIA[A-Z0-9]{16}(?![A-Z0-9])"),
      Rule.of("ASIA", "(?<![A-Z0-9])ASIA[A-Z0-9]{16}(?![A-Z0-9])"),
      Rule.ofIgnoringCase("secret", "(?i:aws[_.-]?secret[_.-]?(?:access[_.-]?)?key|secret[_.-]?access[_.-]?key)"
          + "[\"']?[ \\t]{0,4}[:=][ \\t]{0,4}[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])", 1, 8)));

  /**
   * Model and platform provider keys. The bodies are bounded (at most 240 characters, so a match
   * fits {@link StreamingRedactor#LOOK_BEHIND}) and must end at a non-key character.
   */
  private static final Detector PROVIDER = new RegexDetector(PROVIDER_API_KEY, List.of(
      // Anthropic: sk-ant-api03-..., sk-ant-admin01-... (gitleaks anthropic-api-key).
      Rule.of("sk-ant-", L + "sk-ant-[A-Za-z0-9_-]{32,240}" + R),
      // OpenAI: legacy sk-<48>, project sk-proj-, service account sk-svcacct-, admin sk-admin-
      // (gitleaks openai-api-key). At least 20 characters and a digit, so "sk-learn" is prose.
      Rule.of("sk-", L + "sk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z_-]{0,239}[0-9])[A-Za-z0-9_-]{20,240}" + R),
      // Google API keys: AIza + 35 (gitleaks gcp-api-key).
      Rule.of("AIza", L + "AIza[0-9A-Za-z_-]{35}" + R),
      // Groq: gsk_ + 52 (gitleaks groq-api-key).
      Rule.of("gsk_", L + "gsk_[A-Za-z0-9]{48,60}" + R),
      // xAI: xai- + 80 (gitleaks xai-api-key); 40 and more accepted.
      Rule.of("xai-", L + "xai-[A-Za-z0-9]{40,100}" + R),
      // Hugging Face user access tokens: hf_ + 34 (gitleaks huggingface-access-token).
      Rule.of("hf_", L + "hf_[A-Za-z0-9]{34,40}" + R),
      // GitHub: classic ghp_/gho_/ghu_/ghs_/ghr_ + 36, fine-grained github_pat_ + 82 (GitHub
      // "About authentication", token formats; gitleaks github-pat, github-fine-grained-pat).
      Rule.of("gh", L + "gh[pousr]_[A-Za-z0-9]{36}" + R),
      Rule.of("github_pat_", L + "github_pat_[A-Za-z0-9_]{82}" + R),
      // Slack bot and user tokens: xoxb-/xoxp- + numeric ids + secret (gitleaks slack-bot-token).
      Rule.of("xox", L + "xox[bp]-[0-9]{10,13}-[0-9A-Za-z-]{10,200}" + R),
      // Stripe live secret and restricted keys (Stripe docs "API keys"; gitleaks stripe-access-token).
      new Rule(Pattern.compile(L + "(?:sk|rk)_live_[0-9A-Za-z]{24,99}" + R), 0, "_live_", false, 3)));

  private final Map<String, Detector> byName = new LinkedHashMap<>();

  private Detectors(String phoneDefaultRegion, byte[] virtualKeyChecksumKey) {
    for (Detector d : List.of(AWS, new PrivateKeyDetector(), new JwtDetector(), PROVIDER,
        new VirtualKeyDetector(virtualKeyChecksumKey), new EmailDetector(), new CardNumberDetector(),
        new PhoneDetector(phoneDefaultRegion), new IbanDetector())) {
      byName.put(d.name(), d);
    }
  }

  /** Phone numbers in international form only; virtual keys by their shape. */
  public static Detectors defaults() {
    return new Detectors(null, null);
  }

  /**
   * @param phoneDefaultRegion ISO 3166 region whose national phone numbers are found too, or null
   * @param virtualKeyChecksumKey {@code VirtualKeyFormat.checksumKey(authSecret)}: only virtual keys
   *     with a valid checksum are found; null: any of the shape
   */
  public static Detectors with(String phoneDefaultRegion, byte[] virtualKeyChecksumKey) {
    return new Detectors(phoneDefaultRegion, virtualKeyChecksumKey);
  }

  /** Every name, secrets first. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public List<Detector> all() {
    return List.copyOf(byName.values());
  }

  public Detector get(String name) {
    Detector d = byName.get(name);
    if (d == null) {
      throw new IllegalArgumentException(
          "unknown sensitive-data detector '" + name + "'; known: " + String.join(", ", byName.keySet()));
    }
    return d;
  }

  public List<Detector> get(Collection<String> names) {
    List<Detector> chosen = new ArrayList<>(names.size());
    for (String name : names) {
      chosen.add(get(name));
    }
    return chosen;
  }
}
