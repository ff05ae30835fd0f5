package dev.portcullis.testkit;

import java.util.List;

/**
 * Bodies with the fields OpenAI-compatible providers add to OpenAI's format (each provider's API
 * reference: docs.perplexity.ai, platform.minimax.io): Perplexity's {@code citations} and {@code search_results},
 * MiniMax's {@code reasoning_details}. A proxy must hand them to the client unchanged.
 */
public final class OpenAiCompatibleWire {

  private OpenAiCompatibleWire() {}

  public static String perplexityCompletion() {
    return """
        {"id":"pplx-1","model":"sonar-pro","created":1710000000,"object":"chat.completion",\
        "usage":{"prompt_tokens":9,"completion_tokens":21,"total_tokens":30,"citation_tokens":112,\
        "num_search_queries":1,"search_context_size":"low"},\
        "citations":["https://example.org/a","https://example.org/b"],\
        "search_results":[{"title":"Paris weather","url":"https://example.org/a","date":"2026-11-20"},\
        {"title":"Climate","url":"https://example.org/b","date":null}],\
        "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Sunny [1]."}}]}""";
  }

  /** Perplexity's stream: the last chunk carries {@code citations} and {@code search_results}. */
  public static List<String> perplexityStream() {
    String head = "{\"id\":\"pplx-s1\",\"model\":\"sonar\",\"created\":1710000000,\"object\":\"chat.completion.chunk\",";
    return List.of(
        head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Sunny\"},\"finish_reason\":null}]}",
        head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" [1].\"},\"finish_reason\":null}]}",
        head + "\"citations\":[\"https://example.org/a\"],\"search_results\":[{\"title\":\"Paris weather\","
            + "\"url\":\"https://example.org/a\",\"date\":\"2026-11-20\"}],"
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8,\"citation_tokens\":40}}");
  }

  public static String minimaxCompletion() {
    return """
        {"id":"mm-1","object":"chat.completion","created":1710000000,"model":"MiniMax-M2",\
        "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"42",\
        "reasoning_details":[{"type":"reasoning.text","id":"reasoning-text-1","format":"MiniMax-response-v1",\
        "index":0,"text":"The user asks for the answer; it is 42."}]}}],\
        "usage":{"prompt_tokens":11,"completion_tokens":30,"total_tokens":41},\
        "base_resp":{"status_code":0,"status_msg":""}}""";
  }

  public static List<String> minimaxStream() {
    String head = "{\"id\":\"mm-s1\",\"object\":\"chat.completion.chunk\",\"created\":1710000000,\"model\":\"MiniMax-M2\",";
    return List.of(
        head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_details\":[{\"type\":\"reasoning.text\","
            + "\"id\":\"reasoning-text-1\",\"format\":\"MiniMax-response-v1\",\"index\":0,\"text\":\"Thinking\"}]},\"finish_reason\":null}]}",
        head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"42\"},\"finish_reason\":null}]}",
        head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":30,\"total_tokens\":41}}");
  }
}
