package dev.portcullis.gateway.auth;

import dev.portcullis.common.auth.TokenRequest;
import dev.portcullis.common.auth.TokenResponse;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/auth/oauth2/token}: reads the {@code application/x-www-form-urlencoded} form,
 * hands it with the {@code Authorization} header to auth-service ({@code portcullis.auth.token}),
 * and writes the RFC 6749 answer it gets back. Works with or without a BodyHandler before it.
 */
public final class TokenEndpointHandler implements Handler<RoutingContext> {

  public static final String PATH = "/api/auth/oauth2/token";
  /** A token request is a few short fields; anything larger is not one. */
  static final int MAX_FORM_BYTES = 16 * 1024;

  private final AuthServiceClient authService;
  private final ClientAddresses clientAddresses;

  /** Reads {@code PORTCULLIS_TRUSTED_PROXIES} only. */
  public TokenEndpointHandler(Vertx vertx, Settings settings) {
    this.authService = new AuthServiceClient(vertx);
    this.clientAddresses = ClientAddresses.fromSettings(settings);
    BusCodecs.register(vertx);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      write(ctx, TokenResponse.error(400, "invalid_request",
          "Send the token request as application/x-www-form-urlencoded", Map.of()));
      return;
    }
    if (ctx.body() != null && ctx.body().available()) {
      Buffer body = ctx.body().buffer();
      onForm(ctx, body == null ? Buffer.buffer() : body);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] tooLarge = {false};
    request.handler(chunk -> {
      if (!tooLarge[0] && body.length() + chunk.length() > MAX_FORM_BYTES) {
        tooLarge[0] = true;
        write(ctx, TokenResponse.error(400, "invalid_request", "The token request is too large", Map.of()));
      } else if (!tooLarge[0]) {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(done -> {
      if (!tooLarge[0]) {
        onForm(ctx, body);
      }
    });
    request.resume();
  }

  private void onForm(RoutingContext ctx, Buffer body) {
    if (body.length() > MAX_FORM_BYTES) {
      write(ctx, TokenResponse.error(400, "invalid_request", "The token request is too large", Map.of()));
      return;
    }
    Map<String, String> form;
    try {
      form = parseForm(body.toString(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException malformed) {
      write(ctx, TokenResponse.error(400, "invalid_request", malformed.getMessage(), Map.of()));
      return;
    }
    String clientAddress = clientAddresses.clientAddress(ctx.request());
    authService.token(new TokenRequest(form, ctx.request().getHeader("Authorization"), clientAddress))
        .onSuccess(answer -> write(ctx, answer))
        .onFailure(failure -> write(ctx, TokenResponse.error(503, "temporarily_unavailable",
            "The authentication service is unavailable; try again shortly", Map.of())));
  }

  /** RFC 6749 section 3.2: no parameter may appear twice. */
  static Map<String, String> parseForm(String text) {
    Map<String, String> form = new HashMap<>();
    if (text.isEmpty()) {
      return form;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
        value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("The form is not valid application/x-www-form-urlencoded");
      }
      if (form.put(name, value) != null) {
        throw new IllegalArgumentException("The parameter " + name + " appears more than once");
      }
    }
    return form;
  }

  private static void write(RoutingContext ctx, TokenResponse answer) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(answer.status())
        .putHeader("Content-Type", "application/json;charset=UTF-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Pragma", "no-cache");
    answer.headers().forEach((name, value) -> ctx.response().putHeader(name, value));
    JsonObject body = answer.body() == null ? new JsonObject() : answer.body();
    ctx.response().end(body.encode());
  }
}
