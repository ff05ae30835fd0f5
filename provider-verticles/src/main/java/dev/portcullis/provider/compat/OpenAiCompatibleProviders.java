package dev.portcullis.provider.compat;

import java.util.List;
import java.util.Map;

/** The table of OpenAI-compatible providers (Portkey's idea: providers described by data). */
public final class OpenAiCompatibleProviders {

  private OpenAiCompatibleProviders() {}

  public static final OpenAiCompatibleSpec OPENAI = new OpenAiCompatibleSpec(
      "openai", "https://api.openai.com/v1", List.of("ARCHESTRA_OPENAI_BASE_URL"), Map.of());

  public static List<OpenAiCompatibleSpec> all() {
    return List.of(OPENAI);
  }
}
