package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.router.translate.ResponseContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI side of a translated stream: it writes {@code chat.completion.chunk} objects that
 * all share one id, created and model, starts with the role chunk, sends the finish reason exactly
 * once, and adds the usage chunk only when the client asked for it. Each native stream translator
 * drives one of these.
 */
public final class ChunkStream {

  private final ResponseContext context;
  private String id;
  private String model;
  private boolean started;
  private boolean finished;
  private String finishReason;
  private TokenUsage usage;

  public ChunkStream(ResponseContext context) {
    this.context = context;
    this.id = context.fallbackId();
    this.model = context.model();
  }

  /**
   * Adopts the provider's id and model for the whole stream. Only effective before the first
   * chunk, since every chunk must carry the same id.
   */
  public void identify(String nativeId, String nativeModel) {
    if (started) {
      return;
    }
    if (nativeId != null && !nativeId.isEmpty()) {
      id = nativeId;
    }
    if (nativeModel != null && !nativeModel.isEmpty()) {
      model = nativeModel;
    }
  }

  /** Adds the role chunk unless it was sent already. */
  public void start(List<ObjectNode> out) {
    if (started) {
      return;
    }
    started = true;
    ObjectNode chunk = chunk();
    delta(chunk).put("role", "assistant").put("content", "");
    out.add(chunk);
  }

  public void content(List<ObjectNode> out, String text) {
    if (text == null || text.isEmpty()) {
      return;
    }
    start(out);
    ObjectNode chunk = chunk();
    delta(chunk).put("content", text);
    out.add(chunk);
  }

  public void reasoning(List<ObjectNode> out, String text) {
    if (text == null || text.isEmpty()) {
      return;
    }
    start(out);
    ObjectNode chunk = chunk();
    delta(chunk).put("reasoning_content", text);
    out.add(chunk);
  }

  /** The first fragment of a tool call: index, id, type, name and empty (or whole) arguments. */
  public void toolCallStart(List<ObjectNode> out, int index, String callId, String name, String arguments) {
    start(out);
    ObjectNode chunk = chunk();
    ObjectNode call = delta(chunk).putArray("tool_calls").addObject();
    call.put("index", index);
    call.put("id", callId);
    call.put("type", "function");
    call.putObject("function").put("name", name).put("arguments", arguments == null ? "" : arguments);
    out.add(chunk);
  }

  /** A later fragment of a tool call's arguments; empty fragments are not worth a chunk. */
  public void toolCallArguments(List<ObjectNode> out, int index, String fragment) {
    if (fragment == null || fragment.isEmpty()) {
      return;
    }
    start(out);
    ObjectNode chunk = chunk();
    ObjectNode call = delta(chunk).putArray("tool_calls").addObject();
    call.put("index", index);
    call.putObject("function").put("arguments", fragment);
    out.add(chunk);
  }

  public void finishReason(String reason) {
    this.finishReason = reason;
  }

  public String finishReason() {
    return finishReason;
  }

  public void usage(TokenUsage usage) {
    this.usage = usage;
  }

  public Usage busUsage() {
    return usage == null ? Usage.UNKNOWN.withModelIfAbsent(model) : usage.toBusUsage(model);
  }

  /**
   * The finish chunk and the optional usage chunk. A stream that ended without saying why is
   * reported as {@code stop}: the text it produced is complete as far as anyone can tell.
   */
  public List<ObjectNode> finish() {
    List<ObjectNode> out = new ArrayList<>();
    if (finished) {
      return out;
    }
    finished = true;
    start(out);
    ObjectNode chunk = chunk();
    ((ObjectNode) chunk.get("choices").get(0))
        .put("finish_reason", finishReason == null ? "stop" : finishReason);
    out.add(chunk);
    if (context.includeUsage()) {
      ObjectNode usageChunk = header();
      usageChunk.putArray("choices");
      usageChunk.set("usage", (usage == null ? TokenUsage.of(0, 0) : usage).toJson());
      out.add(usageChunk);
    }
    return out;
  }

  /** Marks the stream as ended by an error: no finish or usage chunk follows. */
  public void fail() {
    finished = true;
  }

  public boolean isFinished() {
    return finished;
  }

  private ObjectNode header() {
    ObjectNode chunk = Json.object();
    chunk.put("id", id);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", context.created());
    chunk.put("model", model);
    return chunk;
  }

  private ObjectNode chunk() {
    ObjectNode chunk = header();
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta");
    choice.putNull("finish_reason");
    if (context.includeUsage()) {
      chunk.putNull("usage");
    }
    return chunk;
  }

  private static ObjectNode delta(ObjectNode chunk) {
    return (ObjectNode) chunk.get("choices").get(0).get("delta");
  }
}
