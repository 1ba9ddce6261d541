package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BeatMacTest {
  private final BeatMac mac = new BeatMac("key-one-of-the-cluster-32-bytes!".getBytes());

  @Test
  void aSealedBeatOpensToItsFields() {
    assertArrayEquals(new String[] {"n1", "7", "42"}, mac.open(mac.seal("n1 7 42")));
  }

  @Test
  void anUntaggedBeatAsNodesSentThemBeforeIsDropped() {
    assertNull(mac.open("n1 7 1733100000000"));
  }

  @Test
  void aBeatTaggedWithAnotherKeyIsDropped() {
    assertNull(mac.open(new BeatMac("a-key-without-the-cluster-secret".getBytes()).seal("n1 7 42")));
  }

  @Test
  void anAlteredBeatIsDropped() {
    String sealed = mac.seal("n1 7 42");
    assertNull(mac.open(sealed.replace("n1 7", "n2 7")));
    assertNull(mac.open(sealed.replace(" 7 ", " 8 ")));
    assertNull(mac.open(sealed.substring(0, sealed.length() - 1) + (sealed.endsWith("0") ? "1" : "0")));
  }

  @Test
  void garbageIsDroppedNotThrown() {
    assertNull(mac.open(""));
    assertNull(mac.open("x"));
    assertNull(mac.open("a b c zz"));
    assertNull(mac.open(mac.seal("n1 notanumber 42")));
  }
}
