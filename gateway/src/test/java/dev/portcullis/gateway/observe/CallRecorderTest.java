package dev.portcullis.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.Usage;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The model label cannot be grown by a client (found by the fuzz suite: a made-up model per call). */
class CallRecorderTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CallRecorder recorder = new CallRecorder(registry);

  @Test
  void madeUpModelsCannotGrowTheRegistryPastItsBound() {
    for (int i = 0; i < CallRecorder.MAX_MODEL_LABELS + 500; i++) {
      recorder.record(call("model-" + i));
    }
    assertThat(modelLabels()).hasSize(CallRecorder.MAX_MODEL_LABELS + 1).contains("other", "model-0");
    recorder.record(call("model-0"));
    assertThat(registry.get("portcullis.tokens").tag("model", "model-0").tag("direction", "input").counter().count())
        .isEqualTo(6);
  }

  @Test
  void modelsThatAreNotModelIdsCountAsOther() {
    recorder.record(call("m".repeat(CallRecorder.MAX_MODEL_LENGTH + 1)));
    recorder.record(call("gpt-4o\nsk-secret-looking-thing"));
    recorder.record(call("gpt 4o"));
    recorder.record(call("anthropic.claude-3-5-sonnet-20240620-v1:0"));
    recorder.record(call("models/gemini-2.5-flash@001"));
    assertThat(modelLabels()).containsExactlyInAnyOrder("other", "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "models/gemini-2.5-flash@001");
  }

  private Set<String> modelLabels() {
    return registry.getMeters().stream().filter(m -> m.getId().getName().equals("portcullis.tokens"))
        .map(Meter::getId).map(id -> id.getTag("model")).collect(Collectors.toSet());
  }

  private static CallRecord call(String model) {
    return new CallRecord("req", "POST", "/v1/openai/chat/completions", "openai", "chat.completions", null, false,
        200, 1_000_000, 0, new Usage(model, 3, 2), "completed");
  }
}
