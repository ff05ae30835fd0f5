package dev.portcullis.provider.compat;

import java.util.List;
import java.util.Map;

/**
 * What one OpenAI-compatible provider declares: its route name, where its API lives by default,
 * which settings move it, and the headers it always sends. Adding such a provider is one entry in
 * {@link OpenAiCompatibleProviders}.
 *
 * @param name             the route and bus name ({@code openai}, {@code groq}, ...)
 * @param defaultBaseUrl   the API root, path prefix included ({@code https://api.groq.com/openai/v1})
 * @param baseUrlSettings  settings that override the base URL, first set one wins
 * @param headerSettings   upstream header name → the setting that supplies its value, sent when set
 */
public record OpenAiCompatibleSpec(
    String name,
    String defaultBaseUrl,
    List<String> baseUrlSettings,
    Map<String, String> headerSettings) {}
