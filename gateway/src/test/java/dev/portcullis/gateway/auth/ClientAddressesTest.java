package dev.portcullis.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.net.NetworkRanges;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

  private final ClientAddresses noProxies = new ClientAddresses(NetworkRanges.none());
  private final ClientAddresses behindProxies = new ClientAddresses(NetworkRanges.parse("10.0.0.0/8, fd00::/8"));

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    assertThat(noProxies.clientAddress("203.0.113.9", List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
    assertThat(noProxies.clientAddress("10.1.2.3", List.of("198.51.100.1"))).isEqualTo("10.1.2.3");
  }

  @Test
  void aPeerThatIsNoTrustedProxyCannotSpeakForAnyoneElse() {
    assertThat(behindProxies.clientAddress("203.0.113.9", List.of("127.0.0.1"))).isEqualTo("203.0.113.9");
  }

  @Test
  void theRightmostAddressThatIsNoTrustedProxyIsTheClient() {
    // The client forged the left part; our proxies appended the rest.
    assertThat(behindProxies.clientAddress("10.0.0.2", List.of("198.51.100.1, 203.0.113.7, 10.0.0.5")))
        .isEqualTo("203.0.113.7");
    assertThat(behindProxies.clientAddress("10.0.0.2", List.of("198.51.100.1", "203.0.113.7:4711")))
        .isEqualTo("203.0.113.7");
    assertThat(behindProxies.clientAddress("10.0.0.2", List.of("[2001:db8::7]:443"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(behindProxies.clientAddress("10.0.0.2", List.of())).isEqualTo("10.0.0.2");
  }

  @Test
  void junkOrOnlyProxiesFallBackToTheLastHopWeTrust() {
    assertThat(behindProxies.clientAddress("10.0.0.2", List.of("evil.example, 10.0.0.9"))).isEqualTo("10.0.0.9");
    assertThat(behindProxies.clientAddress("10.0.0.2", List.of("10.0.0.7, 10.0.0.9"))).isEqualTo("10.0.0.7");
    assertThat(behindProxies.clientAddress("10.0.0.2", List.of("unknown"))).isEqualTo("10.0.0.2");
  }

  @Test
  void addressesAreNormalizedAndMappedIpv4IsIpv4() {
    assertThat(noProxies.clientAddress("::ffff:203.0.113.9", List.of())).isEqualTo("203.0.113.9");
    assertThat(behindProxies.clientAddress("::ffff:10.0.0.2", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
  }

  @Test
  void theLimiterCountsIpv4PerAddressAndIpv6PerSlash64() {
    assertThat(ClientAddresses.limiterKey("203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(ClientAddresses.limiterKey("2001:db8:1:2:aaaa::1")).isEqualTo("2001:db8:1:2::/64")
        .isEqualTo(ClientAddresses.limiterKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"));
    assertThat(ClientAddresses.limiterKey("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
    assertThat(ClientAddresses.limiterKey(null)).isEqualTo("unknown");
  }
}
