package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code admin audit verify|export|records}: the audit log as the running ledger holds it. (The
 * offline check of an export is {@code java -jar portcullis.jar audit verify FILE}.)
 */
@Command(name = "audit",
    description = "The audit log held by the ledger: verify its hash chains, export it, read one call's rows.")
final class AdminAuditCommand extends ApiCommand {

  @Command(name = "verify",
      description = "Checks every writer's hash chain (GET /audit/verify); exit status 1 when it is broken.")
  int verify() {
    AdminHttp.Answer answer = http().get("/audit/verify");
    JsonNode report = Json.tryParse(answer.body());
    show(answer, body -> {
      if (body.path("intact").asBoolean()) {
        out().println("Intact: " + Json.text(body.path("records")) + " records from " + Json.text(body.path("writers"))
            + " writers.");
      } else {
        JsonNode first = body.path("firstBreak");
        out().println("BROKEN: " + Json.text(body.path("breaks")) + " breaks in " + Json.text(body.path("records"))
            + " records; the first: writer " + Json.text(first.path("writerId")) + ", seq " + Json.text(first.path("seq"))
            + ": " + Json.text(first.path("reason")) + (first.hasNonNull("detail") ? " (" + Json.text(first.path("detail")) + ")" : ""));
      }
    });
    return report.path("intact").asBoolean() ? ExitCodes.OK : ExitCodes.AUDIT_BROKEN;
  }

  @Command(name = "export",
      description = "Streams the whole log as JSON lines to standard output (check it offline with: audit verify FILE).")
  int export() {
    http().stream("/audit/export", out());
    return ExitCodes.OK;
  }

  @Command(name = "records", description = "The audit rows of one call, bodies included.")
  int records(@Option(names = "--request-id", required = true, paramLabel = "ID") String requestId) {
    return showDocument(http().get("/audit/records" + AdminHttp.query(AdminHttp.parameters("requestId", requestId))));
  }
}
