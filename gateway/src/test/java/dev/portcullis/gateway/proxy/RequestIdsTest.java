package dev.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void anIdIsTheTimeThenFortyEightRandomBitsInHex() {
    assertThat(RequestIds.of(0x19ae3f2c5a1L, 0xffff_0123_4567_89abL)).isEqualTo("req_019ae3f2c5a1012345 6789ab".replace(" ", ""));
    assertThat(RequestIds.next()).matches("req_[0-9a-f]{24}");
  }

  @Test
  void laterIdsSortAfterEarlierOnesWhateverTheirRandomPart() {
    String earlier = RequestIds.of(1_764_745_000_000L, -1L);
    String later = RequestIds.of(1_764_745_000_001L, 0L);
    assertThat(later).isGreaterThan(earlier);
    // The time part holds twelve hex digits: it keeps its order well past this century.
    assertThat(RequestIds.of(4_102_444_800_000L, 0L)).isGreaterThan(RequestIds.of(1_764_745_000_000L, -1L));
  }

  @Test
  void idsMadeInTheSameMillisecondDiffer() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      ids.add(RequestIds.next());
    }
    assertThat(ids).hasSize(200_000);
  }
}
