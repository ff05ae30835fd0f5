package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every noun's commands share: the connection and output options of {@code admin} (inherited
 * by every subcommand, so they may come anywhere on the line), and the two ways of showing an
 * answer: the API's JSON as it came ({@code --json}, for scripts) or a table (for people).
 */
abstract class ApiCommand implements Runnable {

  @Spec
  CommandSpec spec;

  /** A noun or group run without a verb: a usage error that lists the verbs. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a command: one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /**
   * The command being run: a verb written as a method shares its class's {@link #spec}, so a usage
   * error raised there would otherwise print the noun's help instead of the verb's.
   */
  CommandLine current() {
    CommandLine.ParseResult parsed = spec.root().commandLine().getParseResult();
    while (parsed.subcommand() != null) {
      parsed = parsed.subcommand();
    }
    return parsed.commandSpec().commandLine();
  }

  /** A usage error (exit status 2) of the command being run, with its help. */
  ParameterException usageError(String message) {
    return new ParameterException(current(), message);
  }

  AdminCommand root() {
    return (AdminCommand) spec.root().userObject();
  }

  AdminHttp http() {
    return root().http();
  }

  CliIo io() {
    return root().io();
  }

  PrintStream out() {
    return io().out();
  }

  /**
   * Shows a 2xx answer: with {@code --json} its body exactly as the API sent it (one JSON
   * document, then a newline), else what {@code table} prints of it.
   */
  int show(AdminHttp.Answer answer, Consumer<JsonNode> table) {
    if (root().json()) {
      out().write(answer.body(), 0, answer.body().length);
      out().println();
    } else {
      table.accept(Json.tryParse(answer.body()));
    }
    out().flush();
    return ExitCodes.OK;
  }

  /** A document (a policy, a limit status's detail): the same with {@code --json}, pretty for people. */
  int showDocument(AdminHttp.Answer answer) {
    return show(answer, body -> out().println(body.isMissingNode()
        ? new String(answer.body(), StandardCharsets.UTF_8) : Json.pretty(body)));
  }

  /** A call answered with 204: a line for people; nothing with {@code --json} (the status says it). */
  int done(String message) {
    if (!root().json()) {
      out().println(message);
      out().flush();
    }
    return ExitCodes.OK;
  }

  /** The body of a create or update: {@code --body-file} (or an empty object) with the options set on top. */
  ObjectNode body(String bodyFile) {
    return bodyFile == null ? Json.object() : InputFiles.jsonObject(bodyFile, io());
  }

  /** An option that may come from {@code --body-file} instead: a usage error when neither gives it. */
  void require(ObjectNode body, String field, String option) {
    if (!body.hasNonNull(field)) {
      throw usageError("Missing " + option + " (or \"" + field
          + "\" in --body-file)");
    }
  }

  /** Standard input can be read once: two options that both want it are a usage error. */
  void oneReaderOfStdin(boolean first, boolean second, String firstOption, String secondOption) {
    if (first && second) {
      throw usageError(firstOption + " and " + secondOption
          + " cannot both read standard input");
    }
  }

  static String path(String collection, String id) {
    return "/" + collection + "/" + AdminHttp.segment(id);
  }
}
