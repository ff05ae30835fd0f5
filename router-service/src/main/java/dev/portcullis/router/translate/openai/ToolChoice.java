package dev.portcullis.router.translate.openai;

/**
 * The OpenAI {@code tool_choice}, reduced to what native APIs can express. {@code allowed_tools}
 * becomes its mode plus a narrowed tool list (see {@link ToolSelection}).
 */
public record ToolChoice(Mode mode, String functionName) {

  public enum Mode {
    AUTO,
    NONE,
    REQUIRED,
    /** One named function must be called: {@code functionName}. */
    NAMED
  }

  public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
  public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
  public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

  public static ToolChoice named(String name) {
    return new ToolChoice(Mode.NAMED, name);
  }
}
