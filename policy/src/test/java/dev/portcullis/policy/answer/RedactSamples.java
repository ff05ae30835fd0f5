package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.policy.answer.redact.StreamRedactGate;
import dev.portcullis.policy.sensitive.Detectors;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the redaction gate tests share: the rules (AWS keys block, e-mail addresses are redacted,
 * phone numbers are logged) and answers in text deltas that hold such data, split where a gate
 * cannot see it in one delta.
 */
final class RedactSamples {

  static final String EMAIL = "jane.doe+llm@example.co.uk";
  static final String PHONE = "+1 650-253-0000";
  static final String AWS_KEY = "AKIAIOSFODNN7EXAMPLE";
  /** Prose longer than the look-behind together, so text is released while the answer goes on. */
  static final String FILLER = "The quarterly figures are in the shared folder, together with the notes from "
      + "Tuesday's review and the draft of the plan for next year. ";

  static final SensitiveScanner BLOCK = scanner(Detectors.AWS_ACCESS_KEY);
  static final SensitiveScanner REDACT = scanner(Detectors.EMAIL);
  static final SensitiveScanner LOG = scanner(Detectors.PHONE);

  /** An e-mail address cut in two deltas, between prose. */
  static final List<String> EMAIL_PIECES = List.of("Hello! Please write to jane.doe+l", "lm@example.co.uk about it. ",
      FILLER, FILLER, FILLER, "Thanks.");
  static final String EMAIL_REDACTED = String.join("", EMAIL_PIECES).replace(EMAIL, "[REDACTED:email]");

  static final List<String> PHONE_PIECES = List.of("Call me on +1 650-", "253-0000 tomorrow. ", FILLER, FILLER, "Bye.");
  /** An AWS key at the start, with more prose and more deltas after it. */
  static final List<String> AWS_PIECES = List.of("Here is the key: AKIAIOSF", "ODNN7EXAMPLE. ", FILLER, FILLER, FILLER,
      FILLER, "Keep it safe.");
  static final List<String> PLAIN_PIECES = List.of("Nothing to see ", "here: ", FILLER, FILLER, FILLER, "The end.");

  private RedactSamples() {}

  static SensitiveScanner scanner(String... detectors) {
    return new SensitiveScanner(Detectors.defaults().get(List.of(detectors)));
  }

  /** The findings a gate was told of, as "action detector". */
  static final class Heard implements dev.portcullis.policy.answer.redact.FindingListener {
    final List<String> findings = new ArrayList<>();

    @Override
    public void found(dev.portcullis.policy.document.SensitiveAction action, String detector) {
      findings.add(action.word() + " " + detector);
    }
  }

  /** Checks that nothing of the e-mail address, and of the key, reached the client. */
  static void assertNoSecret(Buffer out) {
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("jane.doe").doesNotContain("example.co.uk").doesNotContain("AKIA")
        .doesNotContain("ODNN7EXAMPLE");
  }

  static void assertCounts(StreamRedactGate gate, Map<String, Integer> redacted, Map<String, Integer> logged,
      String blockedBy) {
    assertThat(gate.redacted()).isEqualTo(redacted);
    assertThat(gate.logged()).isEqualTo(logged);
    assertThat(gate.blockedBy()).isEqualTo(blockedBy);
  }

  static String text(Buffer out) {
    return out.toString(StandardCharsets.UTF_8);
  }
}
