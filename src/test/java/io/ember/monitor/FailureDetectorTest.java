package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailureDetectorTest {
  final AtomicLong now = new AtomicLong(1_000);
  final FailureDetector<String> fd = new FailureDetector<>(800, 50, now::get);

  void advance(long ms) {
    // the monitor checks every 50 ms
    for (long t = 0; t < ms; t += 50) {
      now.addAndGet(50);
      fd.check();
    }
  }

  @Test
  void suspectsOnlyWhatStaysSilentPastTheTimeout() {
    fd.check();
    fd.heard("a");
    fd.heard("b");
    for (int i = 0; i < 20; i++) {
      advance(100);
      fd.heard("a");
    }
    now.addAndGet(50);
    assertEquals(List.of("b"), fd.check());
    assertTrue(fd.silenceMs("a") <= 100);
  }

  @Test
  void aNodeStillStartingGetsItsGraceThenTheNormalTimeout() {
    fd.check();
    fd.expectWithin("starting", 10_000);
    advance(9_000);
    assertTrue(fd.check().isEmpty(), "within its start-up grace");
    advance(1_100);
    assertEquals(List.of("starting"), fd.check());
    fd.forget("starting");
    fd.expectWithin("late", 10_000);
    advance(500);
    fd.heard("late"); // its first heartbeat: from now on the normal timeout applies
    fd.expectWithin("late", 10_000); // a second grace does not extend it
    advance(1_300);
    assertEquals(List.of("late"), fd.check());
  }

  @Test
  void aLateCheckBlamesItselfNotThePeers() {
    fd.check();
    fd.heard("a");
    now.addAndGet(3_000); // the monitor was frozen for 3 s
    assertEquals(List.of(), fd.check());
    assertEquals(1, fd.lateChecks());
    fd.heard("a");
    advance(500);
    assertEquals(List.of(), fd.check());
  }

  @Test
  void forgottenComponentsAreNotSuspected() {
    fd.check();
    fd.heard("a");
    fd.forget("a");
    advance(2_000);
    assertEquals(List.of(), fd.check());
    assertEquals(-1, fd.silenceMs("a"));
  }
}
