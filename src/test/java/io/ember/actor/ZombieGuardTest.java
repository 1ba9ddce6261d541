package io.ember.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ZombieGuardTest {
  static final int TIMEOUT_MS = 1000; // lease: half of it
  final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(100));
  final AtomicLong lastApplied = new AtomicLong(now.get());
  final AtomicBoolean fenced = new AtomicBoolean();
  final AtomicInteger probes = new AtomicInteger();

  ZombieGuard guard(Supplier<Future<Void>> probe) {
    return new ZombieGuard(lastApplied::get, () -> {
      probes.incrementAndGet();
      return probe.get();
    }, fenced::get, TIMEOUT_MS, now::get);
  }

  void advanceMs(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void aRecentWriteIsEnoughWithoutAProbe() {
    ZombieGuard g = guard(Future::succeededFuture);
    advanceMs(TIMEOUT_MS / 2 - 1);
    assertTrue(g.holdsLease());
    assertEquals(0, probes.get());
  }

  @Test
  void afterHalfATimeoutWithoutAWriteItProbesAndAnAppliedProbeHoldsTheLease() {
    ZombieGuard g = guard(Future::succeededFuture);
    advanceMs(TIMEOUT_MS / 2);
    assertTrue(g.holdsLease());
    assertEquals(1, probes.get());
  }

  @Test
  void aRefusedProbeLosesTheLeaseAtOnce() {
    ZombieGuard g = guard(() -> Future.failedFuture(new EmberException(ErrorCode.FENCED, "epoch is old")));
    advanceMs(TIMEOUT_MS * 10L);
    assertFalse(g.holdsLease());
    assertEquals(1, probes.get());
  }

  @Test
  void aFencedNodeNeverProbes() {
    fenced.set(true);
    ZombieGuard g = guard(Future::succeededFuture);
    advanceMs(TIMEOUT_MS);
    assertFalse(g.holdsLease());
    assertEquals(0, probes.get());
  }

  @Test
  void otherProbeFailuresAreRetriedUntilFourTimeouts() {
    // each probe fails (Redis away); the fake clock moves one timeout per probe
    ZombieGuard g = guard(() -> {
      advanceMs(TIMEOUT_MS);
      return Future.failedFuture(new RuntimeException("connection refused"));
    });
    advanceMs(TIMEOUT_MS);
    assertFalse(g.holdsLease());
    assertEquals(4, probes.get());
  }

  @Test
  void aProbeThatSucceedsAfterFailuresHoldsTheLease() {
    AtomicInteger n = new AtomicInteger();
    ZombieGuard g = guard(() -> n.incrementAndGet() < 3 ? Future.failedFuture(new RuntimeException("slow")) : Future.succeededFuture());
    advanceMs(TIMEOUT_MS);
    assertTrue(g.holdsLease());
    assertEquals(3, probes.get());
  }

  @Test
  void anUnansweredProbeIsGivenUpAfterATimeoutAndTriedAgain() {
    // the first probe never completes (real wait: one timeout, kept short here); the second is applied
    ZombieGuard g = new ZombieGuard(lastApplied::get, () -> probes.incrementAndGet() == 1
        ? Promise.<Void>promise().future() : Future.succeededFuture(), fenced::get, 100, now::get);
    advanceMs(1000);
    assertTrue(g.holdsLease());
    assertEquals(2, probes.get());
  }
}
