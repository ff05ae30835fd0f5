package dev.portcullis.app.cli;

import java.io.PrintStream;

/**
 * A secret the API answers once (a new virtual key, a new OAuth client's secret): Portcullis keeps
 * only its hash, so it is printed on a line of its own, easy to copy, with a word saying so.
 */
final class OneTimeSecret {

  private OneTimeSecret() {}

  static void print(PrintStream out, String what, String secret) {
    out.println();
    out.println(what + ": " + secret);
    out.println("(Shown only once: Portcullis keeps only its hash. Store it now; if it is lost, revoke it and make another.)");
  }
}
