package dev.portcullis.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the token counters Portcullis exports on /metrics, to check the usage it read from an answer. */
final class TokenCounters {

  private final PortcullisUnderTest portcullis;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  TokenCounters(PortcullisUnderTest portcullis) {
    this.portcullis = portcullis;
  }

  /**
   * The counter {@code portcullis_tokens_total} for one provider, model and direction, waiting up
   * to two seconds for it to reach {@code expected} (a call is recorded just after its last byte
   * is written, so a fast client can look before it is).
   */
  long await(String provider, String model, String direction, long expected) throws Exception {
    long deadline = System.currentTimeMillis() + 2_000;
    long value;
    do {
      value = read(provider, model, direction);
      if (value == expected) {
        return value;
      }
      Thread.sleep(20);
    } while (System.currentTimeMillis() < deadline);
    return value;
  }

  long read(String provider, String model, String direction) throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portcullis.metricsPort()
        + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    Pattern line = Pattern.compile("^portcullis_tokens_total\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(text);
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("provider=\"" + provider + "\"") && labels.contains("model=\"" + model + "\"")
          && labels.contains("direction=\"" + direction + "\"")) {
        return (long) Double.parseDouble(m.group(2));
      }
    }
    return -1;
  }
}
