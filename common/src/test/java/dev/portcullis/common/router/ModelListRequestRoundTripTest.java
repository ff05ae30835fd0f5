package dev.portcullis.common.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.BusCodec;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.UpstreamCredential;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.provider.RouterRole;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The model router's list request crosses the cluster with every credential, and never prints one. */
class ModelListRequestRoundTripTest {

  @Test
  void roundTripsWithEveryCredentialAndHidesThem() {
    ModelListRequest request = new ModelListRequest("proxy-1", "req-1", Map.of(
        "openai", new UpstreamCredential("sk-openai-secret", "http://h/v1", Map.of("OpenAI-Project", "p")),
        "bedrock", UpstreamCredential.SERVER_SIDE), 30_000);
    @SuppressWarnings("unchecked")
    BusCodec<ModelListRequest> codec = (BusCodec<ModelListRequest>) BusCodecs.all().stream()
        .filter(c -> c.type() == ModelListRequest.class).findFirst().orElseThrow();
    Buffer wire = Buffer.buffer("prefix");
    codec.encodeToWire(wire, request);

    assertThat(codec.decodeFromWire(6, wire)).isEqualTo(request);
    assertThat(request.toString()).contains("openai", "bedrock").doesNotContain("sk-openai-secret");
  }

  @Test
  void providerListsAreSortedAndDisjoint() {
    // Every provider is reachable from the model router, forwarded or translated, never both.
    List<String> routable = Stream.concat(Providers.withRouterRole(RouterRole.OPENAI_COMPATIBLE).stream(),
        Providers.withRouterRole(RouterRole.TRANSLATED).stream()).map(ProviderDescriptor::name).sorted().toList();
    assertThat(routable).doesNotHaveDuplicates().containsExactlyElementsOf(Providers.names().stream().sorted().toList());
    assertThat(Providers.require("anthropic").routerRole()).isNotEqualTo(RouterRole.OPENAI_COMPATIBLE);
    assertThat(Providers.known("bedrock")).isTrue();
    assertThat(Providers.known("model-router")).isFalse();
  }
}
