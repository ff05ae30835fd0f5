package dev.portcullis.common.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class NetworkRangesTest {

  private static final String DEFAULT = "127.0.0.1/32,::1/128";

  @Test
  void theDefaultTrustsOnlyTheLoopbackHostNotAllOf127() {
    NetworkRanges ranges = NetworkRanges.parse(DEFAULT);
    assertTrue(ranges.contains("127.0.0.1"));
    assertTrue(ranges.contains("::1"));
    assertTrue(ranges.contains("0:0:0:0:0:0:0:1"));
    assertTrue(ranges.contains("::ffff:127.0.0.1"), "an IPv4 peer on a dual-stack socket");
    assertFalse(ranges.contains("127.0.0.6"), "Istio's sidecar address must not count");
    assertFalse(ranges.contains("10.0.0.1"));
  }

  @Test
  void prefixesCutInsideAByte() {
    NetworkRanges ranges = NetworkRanges.parse("10.1.2.0/23, fd00::/8");
    assertTrue(ranges.contains("10.1.3.255"));
    assertFalse(ranges.contains("10.1.4.0"));
    assertTrue(ranges.contains("fdab::1"));
    assertFalse(ranges.contains("fe80::1"));
    assertFalse(ranges.contains("10.1.2.1.evil.example"));
  }

  @Test
  void namesAndJunkAreNeverResolvedNorMatched() {
    NetworkRanges ranges = NetworkRanges.parse("0.0.0.0/0,::/0");
    assertFalse(ranges.contains("localhost"));
    assertFalse(ranges.contains("1.2.3"));
    assertFalse(ranges.contains(""));
    assertFalse(ranges.contains((String) null));
    assertFalse(ranges.contains("999.1.1.1"));
    assertThrows(IllegalArgumentException.class, () -> NetworkRanges.parse("localhost/32"));
    assertThrows(IllegalArgumentException.class, () -> NetworkRanges.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> NetworkRanges.parse("10.0.0.0/x"));
  }

  @Test
  void anAbsentSettingTakesTheDefaultAndAnEmptyOneMeansNone() {
    String key = "PORTCULLIS_TRUSTED_NETWORKS";
    assertTrue(NetworkRanges.fromSetting(new Settings(new JsonObject()), key, DEFAULT).contains("127.0.0.1"));
    NetworkRanges none = NetworkRanges.fromSetting(new Settings(new JsonObject().put(key, "")), key, DEFAULT);
    assertTrue(none.isEmpty());
    assertFalse(none.contains("127.0.0.1"));
    SettingsException bad = assertThrows(SettingsException.class,
        () -> NetworkRanges.fromSetting(new Settings(new JsonObject().put(key, "nope")), key, DEFAULT));
    assertTrue(bad.getMessage().contains(key));
  }
}
