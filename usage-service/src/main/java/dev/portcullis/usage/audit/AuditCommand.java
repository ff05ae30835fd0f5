package dev.portcullis.usage.audit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar portcullis.jar audit verify FILE} ({@code -} reads standard input): checks an
 * export offline ({@link AuditVerifier}) and prints one line. Exit status 0 when the log is
 * intact, 1 when it is broken (the line names the first break's writer, seq and reason), 2 on a
 * usage error or a file that cannot be read.
 */
public final class AuditCommand {

  public static final String USAGE = """
      Usage: java -jar portcullis.jar audit verify FILE
        Checks an audit log export (GET /api/admin/audit/export) offline; FILE - reads standard input.
        Exit status: 0 intact, 1 broken (the first break is printed), 2 usage or read error.""";

  private AuditCommand() {}

  /** Runs {@code audit <args>}; answers the exit status. */
  public static int run(List<String> args, InputStream stdin, PrintStream out, PrintStream err) {
    if (args.size() == 1 && List.of("--help", "-h", "help").contains(args.get(0))) {
      out.println(USAGE);
      return 0;
    }
    if (args.size() != 2 || !args.get(0).equals("verify")) {
      err.println("portcullis audit: expected: verify FILE");
      err.println(USAGE);
      return 2;
    }
    String file = args.get(1);
    try (InputStream in = file.equals("-") ? unclosed(stdin) : Files.newInputStream(Path.of(file))) {
      AuditReport report = AuditVerifier.verify(in);
      out.println(report.summary());
      return report.intact() ? 0 : 1;
    } catch (NoSuchFileException e) {
      err.println("portcullis audit: no such file: " + file);
      return 2;
    } catch (IOException | InvalidPathException e) {
      err.println("portcullis audit: cannot read " + file + ": " + e.getMessage());
      return 2;
    }
  }

  private static InputStream unclosed(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }
}
