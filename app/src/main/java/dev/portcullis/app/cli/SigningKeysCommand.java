package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code admin signing-keys list|rotate}: the keys access tokens are signed with. */
@Command(name = "signing-keys",
    description = "The ES256 keys access tokens are signed with (ids and dates only).")
final class SigningKeysCommand extends ApiCommand {

  @Command(name = "list", description = "Lists the signing keys; RETIRED is empty for the one that signs.")
  int list() {
    return show(http().get("/signing-keys"), body -> {
      Table table = new Table("KID", "CREATED", "RETIRED");
      for (JsonNode key : Json.elements(body.path("data"))) {
        table.row(Json.text(key.path("kid")), Json.text(key.path("createdAt")), Json.text(key.path("retiredAt")));
      }
      table.print(out());
    });
  }

  @Command(name = "rotate",
      description = "Starts a new signing key; tokens of the old one verify until they expire.")
  int rotate() {
    return show(http().send("POST", "/signing-keys/rotate", null),
        body -> out().println("New signing key: " + Json.text(body.path("kid"))));
  }
}
