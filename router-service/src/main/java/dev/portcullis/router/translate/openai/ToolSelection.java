package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.common.error.GatewayError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tools of an OpenAI chat request and the choice among them. {@code choice} is null when the
 * client sent no {@code tool_choice} (the provider default, auto when tools exist, applies);
 * {@code parallelToolCalls} is null when the client did not say.
 */
public record ToolSelection(List<FunctionTool> tools, ToolChoice choice, Boolean parallelToolCalls) {

  public ToolSelection {
    tools = List.copyOf(tools);
  }

  public boolean hasTools() {
    return !tools.isEmpty();
  }

  /**
   * Reads {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}. Custom tools and the
   * legacy {@code functions} field are rejected: no native API has an equivalent.
   */
  public static ToolSelection read(JsonNode request) {
    if (Json.has(request, "functions") || Json.has(request, "function_call")) {
      throw GatewayError.invalidRequest(
          "the legacy 'functions'/'function_call' fields are not supported by the model router;"
              + " use 'tools' and 'tool_choice'",
          Json.has(request, "functions") ? "functions" : "function_call").toException();
    }
    List<FunctionTool> tools = new ArrayList<>();
    JsonNode toolsNode = request.get("tools");
    if (toolsNode != null && !toolsNode.isNull()) {
      if (!toolsNode.isArray()) {
        throw GatewayError.invalidRequest("'tools' must be an array", "tools").toException();
      }
      for (int i = 0; i < toolsNode.size(); i++) {
        tools.add(readTool(toolsNode.get(i), "tools[" + i + "]"));
      }
    }
    ToolChoice choice = null;
    JsonNode choiceNode = request.get("tool_choice");
    if (choiceNode != null && !choiceNode.isNull()) {
      choice = readChoice(choiceNode, tools);
      if (choiceNode.isObject() && "allowed_tools".equals(Json.text(choiceNode, "type"))) {
        tools = narrowToAllowed(choiceNode.get("allowed_tools"), tools);
      }
    }
    if (choice != null && choice.mode() == ToolChoice.Mode.NAMED && !declares(tools, choice.functionName())) {
      throw GatewayError.invalidRequest(
          "tool_choice names function '" + choice.functionName() + "', which is not in 'tools'",
          "tool_choice").toException();
    }
    Boolean parallel =
        Json.has(request, "parallel_tool_calls")
            ? request.get("parallel_tool_calls").asBoolean()
            : null;
    return new ToolSelection(tools, choice, parallel);
  }

  private static boolean declares(List<FunctionTool> tools, String name) {
    for (FunctionTool tool : tools) {
      if (tool.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static FunctionTool readTool(JsonNode tool, String path) {
    String type = Json.text(tool, "type");
    if (!"function".equals(type)) {
      throw GatewayError.invalidRequest(
          path + " has type '" + type + "'; only function tools can be translated", path + ".type").toException();
    }
    JsonNode function = tool.get("function");
    String name = Json.text(function, "name");
    if (name == null || name.isBlank()) {
      throw GatewayError.invalidRequest(path + ".function.name is required", path + ".function.name").toException();
    }
    JsonNode parameters = function.get("parameters");
    return new FunctionTool(
        name,
        Json.text(function, "description"),
        parameters == null || parameters.isNull() ? null : parameters,
        function.path("strict").asBoolean(false));
  }

  private static ToolChoice readChoice(JsonNode node, List<FunctionTool> tools) {
    if (node.isTextual()) {
      switch (node.asText()) {
        case "auto":
          return ToolChoice.AUTO;
        case "none":
          return ToolChoice.NONE;
        case "required":
          return ToolChoice.REQUIRED;
        default:
          throw GatewayError.invalidRequest(
              "tool_choice '" + node.asText() + "' is not one of none, auto, required",
              "tool_choice").toException();
      }
    }
    String type = Json.text(node, "type");
    if ("function".equals(type)) {
      String name = Json.text(node.get("function"), "name");
      if (name == null) {
        throw GatewayError.invalidRequest(
            "tool_choice.function.name is required", "tool_choice.function.name").toException();
      }
      return ToolChoice.named(name);
    }
    if ("allowed_tools".equals(type)) {
      String mode = Json.text(node.get("allowed_tools"), "mode");
      if ("required".equals(mode)) {
        return ToolChoice.REQUIRED;
      }
      if ("auto".equals(mode) || mode == null) {
        return ToolChoice.AUTO;
      }
      throw GatewayError.invalidRequest(
          "tool_choice.allowed_tools.mode must be auto or required", "tool_choice.allowed_tools.mode").toException();
    }
    throw GatewayError.invalidRequest(
        "tool_choice of type '" + type + "' cannot be translated; use none, auto, required or a"
            + " function",
        "tool_choice").toException();
  }

  private static List<FunctionTool> narrowToAllowed(JsonNode allowed, List<FunctionTool> tools) {
    Set<String> names = new LinkedHashSet<>();
    JsonNode list = allowed == null ? null : allowed.get("tools");
    for (int i = 0; list != null && i < list.size(); i++) {
      String name = Json.text(list.get(i).get("function"), "name");
      if (name == null) {
        name = Json.text(list.get(i), "name");
      }
      if (name == null) {
        throw GatewayError.invalidRequest(
            "tool_choice.allowed_tools.tools[" + i + "] names no function",
            "tool_choice.allowed_tools.tools[" + i + "]").toException();
      }
      names.add(name);
    }
    List<FunctionTool> narrowed = new ArrayList<>();
    for (FunctionTool tool : tools) {
      if (names.contains(tool.name())) {
        narrowed.add(tool);
      }
    }
    return narrowed;
  }
}
