package dev.portcullis.app.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * {@code java -jar portcullis.jar admin <noun> <verb> [options]}: the admin API from a shell. Each
 * noun is a class of its own; this one holds what they share (where the API is, the token, the
 * output format) and turns every outcome into an exit status ({@link ExitCodes}).
 */
@Command(name = "java -jar portcullis.jar admin", versionProvider = AdminCommand.Version.class,
    description = {
        "Administers a running Portcullis through its admin API: the calls the console",
        "and curl make. Prints a table, or with --json the API's JSON as it answered.",
        "Secrets are read from a file or standard input, never from the command line.",
        "",
        "The API: --url, else http://$PORTCULLIS_ADMIN_HOST:$PORTCULLIS_ADMIN_PORT",
        "(127.0.0.1:9001). The token: --token-file, else $PORTCULLIS_ADMIN_TOKEN, else",
        "the file the server keeps, $PORTCULLIS_DATA_DIR/admin-token (./data/admin-token).",
        ""},
    subcommands = {ProviderKeysCommand.class, LlmProxiesCommand.class, VirtualKeysCommand.class,
        OAuthClientsCommand.class, SigningKeysCommand.class, LimitsCommand.class, UsageCommand.class,
        PricesCommand.class, AdminAuditCommand.class})
public final class AdminCommand extends ApiCommand {

  // One help option for every command (inherited), instead of picocli's standard pair on each:
  // --version means something only here.
  @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
  boolean version;

  @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "The admin API, such as http://127.0.0.1:9001 (default from PORTCULLIS_ADMIN_HOST/PORT).")
  String url;

  @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "Read the admin token from FILE (default: PORTCULLIS_ADMIN_TOKEN, else <data dir>/admin-token).")
  String tokenFile;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Print the API's JSON answer as it came, for scripts.")
  boolean json;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "30",
      description = "Seconds to wait for a connection and for an answer to begin (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  private CliIo io;
  private AdminHttp http;

  /**
   * Runs {@code admin <args>} with {@code io}'s streams and environment; answers the exit status.
   * Never calls {@code System.exit}, so a test runs it in-process.
   */
  public static int run(List<String> args, CliIo io) {
    AdminCommand admin = new AdminCommand();
    admin.io = io;
    CommandLine cli = commandLine(admin);
    cli.setOut(new PrintWriter(io.out(), true));
    cli.setErr(new PrintWriter(io.err(), true));
    cli.setExecutionExceptionHandler((failure, command, parsed) -> {
      if (failure instanceof CliFailure refused) {
        io.err().println("portcullis admin: " + refused.getMessage());
        return refused.exitCode();
      }
      // Not ours: its type only, since a library's message might quote what it was given.
      io.err().println("portcullis admin: unexpected error: " + failure.getClass().getName());
      return 1;
    });
    return cli.execute(args.toArray(String[]::new));
  }

  /** The command tree, each command's help ending with the exit statuses. */
  static CommandLine commandLine(AdminCommand admin) {
    CommandLine cli = new CommandLine(admin);
    withExitCodes(cli);
    return cli;
  }

  private static void withExitCodes(CommandLine command) {
    command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n")
        .exitCodeList(ExitCodes.DESCRIPTIONS);
    command.getSubcommands().values().forEach(AdminCommand::withExitCodes);
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a noun: one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  @Override
  AdminCommand root() {
    return this;
  }

  @Override
  CliIo io() {
    return io;
  }

  boolean json() {
    return json;
  }

  /** Made on first use: a usage error or {@code --help} needs no token and no connection. */
  @Override
  AdminHttp http() {
    if (http == null) {
      if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
        throw CliFailure.usage("--timeout must be 1 to 3600 seconds");
      }
      http = new AdminHttp(AdminTarget.resolve(url, tokenFile, io), Duration.ofSeconds(timeoutSeconds));
    }
    return http;
  }

  /** {@code --version}: the jar's version, as its manifest says. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AdminCommand.class.getPackage().getImplementationVersion();
      return new String[] {"portcullis admin " + (version == null ? "(development build)" : version)};
    }
  }
}
