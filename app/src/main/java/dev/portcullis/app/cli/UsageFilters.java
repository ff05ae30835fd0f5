package dev.portcullis.app.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** The filters {@code usage report} and {@code usage export} share, as the API's query parameters. */
final class UsageFilters {

  @Option(names = "--from", paramLabel = "WHEN", description = "From this instant or date (2026-12-01), inclusive.")
  String from;

  @Option(names = "--to", paramLabel = "WHEN", description = "To this instant or date, exclusive.")
  String to;

  @Option(names = "--provider", paramLabel = "NAME")
  String provider;

  @Option(names = "--model", paramLabel = "MODEL")
  String model;

  @Option(names = "--llm-proxy", paramLabel = "ID")
  String llmProxy;

  @Option(names = "--virtual-key", paramLabel = "ID")
  String virtualKey;

  @Option(names = "--oauth-client", paramLabel = "ID")
  String oauthClient;

  /** The filters given, in the API's names, with {@code more} after them. */
  Map<String, String> parameters(String... more) {
    Map<String, String> parameters = AdminHttp.parameters("from", from, "to", to, "provider", provider, "model", model,
        "llmProxyId", llmProxy, "virtualKeyId", virtualKey, "oauthClientId", oauthClient);
    parameters.putAll(AdminHttp.parameters(more));
    return parameters;
  }
}
