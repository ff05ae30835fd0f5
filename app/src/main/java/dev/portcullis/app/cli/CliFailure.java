package dev.portcullis.app.cli;

/**
 * Why a command stopped, with the exit status that says so. Its message is printed to stderr as
 * it is: whoever throws one makes sure it holds no token and no secret.
 */
final class CliFailure extends RuntimeException {

  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  static CliFailure usage(String message) {
    return new CliFailure(ExitCodes.USAGE, message);
  }
}
