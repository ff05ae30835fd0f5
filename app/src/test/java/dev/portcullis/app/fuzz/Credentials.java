package dev.portcullis.app.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a case presents as its key, in the header (or query) its API reads it from: nothing, the
 * canary virtual key, the OAuth token, a caller's own canary provider key, junk, forged
 * {@code pc-vk-} keys, forged JWTs, and odd spellings of all of them.
 */
final class Credentials {

  private final FuzzRig rig;

  Credentials(FuzzRig rig) {
    this.rig = rig;
  }

  void add(Pick pick, FuzzCase c, String provider) {
    double p = pick.random.nextDouble();
    String value;
    if (p < 0.08) {
      c.tag("cred:none");
      return;
    } else if (p < 0.38) {
      c.tag("cred:canary-virtual-key");
      value = rig.virtualKey;
    } else if (p < 0.46) {
      c.tag("cred:oauth-token");
      value = rig.oauthToken;
    } else if (p < 0.64) {
      c.tag("cred:canary-provider-key");
      value = Canaries.providerKey(pick.one("openai", "anthropic", "gemini", "cohere", "bedrock", "groq", "mistral"),
          "passthrough");
    } else if (p < 0.72) {
      c.tag("cred:junk");
      value = pick.one("x", "", " ", "null", "undefined", "sk-", "\u00e9\u00e9", pick.alnum(pick.between(1, 300)),
          "a".repeat(pick.between(5_000, 30_000)));
    } else if (p < 0.84) {
      c.tag("cred:forged-virtual-key");
      value = pick.one("pc-vk-", "pc-vk-" + pick.alnum(40), "pc-vk-" + pick.alnum(39), "PC-VK-" + pick.alnum(40),
          "pc-vk-" + rig.virtualKey.substring(6, 20) + pick.alnum(26), "pc-vk-" + "A".repeat(10_000),
          rig.virtualKey + "x", rig.virtualKey.substring(0, rig.virtualKey.length() - 1), "pc-vk-../../admin");
    } else if (p < 0.95) {
      c.tag("cred:forged-jwt");
      value = forgedJwt(pick);
    } else {
      c.tag("cred:odd-spelling");
      oddSpelling(pick, c, provider);
      return;
    }
    place(pick, c, provider, value);
  }

  private void place(Pick pick, FuzzCase c, String provider, String value) {
    switch (provider) {
      case "anthropic" -> {
        if (pick.chance(0.6)) {
          c.header("x-api-key", value);
        } else {
          c.header("Authorization", "Bearer " + value);
        }
      }
      case "gemini" -> {
        if (pick.chance(0.6)) {
          c.header("x-goog-api-key", value);
        } else {
          c.target += (c.target.contains("?") ? "&" : "?") + "key=" + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
      }
      case "azure" -> {
        if (pick.chance(0.5)) {
          c.header("api-key", value);
        } else {
          c.header("Authorization", "Bearer " + value);
        }
      }
      default -> c.header("Authorization", "Bearer " + value);
    }
  }

  private void oddSpelling(Pick pick, FuzzCase c, String provider) {
    switch (pick.between(0, 7)) {
      case 0 -> c.header("Authorization", "bearer " + rig.virtualKey);
      case 1 -> c.header("Authorization", "Bearer    " + rig.virtualKey + "   ");
      case 2 -> c.header("Authorization", "Bearer " + rig.virtualKey).header("Authorization", "Bearer x");
      case 3 -> c.header("Authorization", "Bearer x").header("Authorization", "Bearer " + rig.virtualKey);
      case 4 -> c.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (rig.virtualKey + ":").getBytes(StandardCharsets.UTF_8)));
      case 5 -> c.header("Authorization", "Bearer " + rig.virtualKey).header("x-api-key", Canaries.providerKey(provider, "passthrough"))
          .header("x-goog-api-key", "junk");
      case 6 -> c.header("Authorization", "Bearer").header("x-api-key", "");
      default -> c.header("Authorization", rig.virtualKey);
    }
  }

  private String forgedJwt(Pick pick) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String alg = pick.one("none", "HS256", "RS256", "ES256", "EdDSA", "HS512", "");
    String header = pick.chance(0.9) ? "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"" + (pick.chance(0.3) ? ",\"kid\":\"../../x\"" : "") + "}"
        : pick.one("{", "[]", "null");
    String claims = "{\"sub\":\"" + rig.oauthClientId + "\",\"scope\":\"llm:proxy\",\"exp\":" + pick.one("99999999999",
        "1E+2147483648", "-1", "\"x\"") + ",\"iat\":1}";
    int lastDot = rig.oauthToken.lastIndexOf('.');
    String realUnsigned = lastDot < 0 ? rig.oauthToken : rig.oauthToken.substring(0, lastDot);
    String signature = pick.one("", b64.encodeToString(pick.alnum(32).getBytes(StandardCharsets.UTF_8)));
    String token = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + signature;
    return pick.one(token, token + ".", "a.b.c", "..", "eyJ" + pick.alnum(pick.between(10, 3000)),
        realUnsigned + "." + pick.alnum(43));
  }
}
