package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartupBannerTest {

  @Test
  void allRolesShowEveryUrlAndTheTokensFile() {
    StartupBanner banner = StartupBanner.of("0.0.0.0", 9000, false, "127.0.0.1", 9001, false,
        Optional.of(Path.of("/data/admin-token")), "127.0.0.1", 9050);
    assertThat(banner).isEqualTo(new StartupBanner("http://0.0.0.0:9000", "http://127.0.0.1:9001/",
        "/data/admin-token", null, "http://127.0.0.1:9050/metrics"));
  }

  @Test
  void tlsMakesTheGatewayHttpsAndIpv6IsBracketed() {
    StartupBanner banner = StartupBanner.of("::", 8443, true, "::1", 9001, true, Optional.empty(), "::1", 9050);
    assertThat(banner.gatewayUrl()).isEqualTo("https://[::]:8443");
    assertThat(banner.adminUrl()).isEqualTo("https://[::1]:9001/");
    assertThat(banner.adminTokenFile()).isNull();
    assertThat(banner.adminTokenFrom()).as("the token comes from the setting: only its name is shown")
        .isEqualTo("PORTCULLIS_ADMIN_TOKEN");
  }

  @Test
  void aProcessShowsOnlyWhatItRuns() {
    StartupBanner gatewayOnly = StartupBanner.of("0.0.0.0", 9000, false, null, -1, false, null, "127.0.0.1", 9050);
    assertThat(gatewayOnly).isEqualTo(new StartupBanner("http://0.0.0.0:9000", null, null, null,
        "http://127.0.0.1:9050/metrics"));
    StartupBanner authOnly = StartupBanner.of("0.0.0.0", -1, false, "127.0.0.1", 9001, false,
        Optional.of(Path.of("/d/admin-token")), "127.0.0.1", 9050);
    assertThat(authOnly.gatewayUrl()).isNull();
    assertThat(authOnly.adminUrl()).isEqualTo("http://127.0.0.1:9001/");
  }
}
