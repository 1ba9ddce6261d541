package io.ember.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.gcs.ResyncAsk;
import io.ember.node.ResyncRule.Decision;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rule that turns "Redis lost my row" into a resync or a fence, and the stall watch it reads, on a fake clock. */
class ResyncRuleTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private final ResyncRule rule = new ResyncRule(1200);
  private final AtomicLong now = new AtomicLong(1_000_000 * MS);
  private final StallWatch watch = StallWatch.manual(50, now::get);

  private ResyncAsk ask(String reason, long currentSince) {
    return new ResyncAsk(reason, 7, currentSince);
  }

  /** Ticks every 50 ms for {@code ms}. */
  private void run(long ms) {
    for (long t = 0; t < ms; t += 50) {
      now.addAndGet(50 * MS);
      watch.tick();
    }
  }

  @Test
  void aRowGoneUnderANodeThatKeptRunningResyncs() {
    long current = now.get();
    run(100);
    assertEquals(Decision.RESYNC, rule.decide(ask("RESYNC epoch 7 is unknown to Redis", current), false,
        watch.longestSince(current)));
  }

  @Test
  void aRedisAwayForLongIsNoReasonToFenceAslongAsTheNodeKeptRunning() {
    long current = now.get();
    run(30_000); // 30 s of outage: nobody can declare a node dead without Redis, and this one never stood still
    assertEquals(Decision.RESYNC, rule.decide(ask("RESYNC epoch 7 is unknown to Redis", current), false,
        watch.longestSince(current)));
  }

  @Test
  void aNodeFrozenPastTheHeartbeatTimeoutFencesItselfInsteadOfComingBack() {
    long current = now.get();
    run(100);
    now.addAndGet(5_000 * MS); // SIGSTOP: no tick for 5 s
    watch.tick();
    run(100);
    long stall = watch.longestSince(current);
    ResyncAsk frozen = ask("RESYNC epoch 7 is unknown to Redis", current);
    assertEquals(Decision.FENCE, rule.decide(frozen, false, stall));
    assertTrue(rule.whyFenced(frozen, stall).contains("5000 ms"), rule.whyFenced(frozen, stall));
  }

  @Test
  void aFreezeStillUnderWayCountsBeforeTheWatchTicksAgain() {
    long current = now.get();
    now.addAndGet(3_000 * MS); // resumed, the refusal is handled before the watch's thread ran
    assertEquals(Decision.FENCE, rule.decide(ask("RESYNC x", current), false, watch.longestSince(current)));
  }

  @Test
  void aStallBeforeTheNodeWasLastProvenCurrentDoesNotCount() {
    now.addAndGet(5_000 * MS);
    watch.tick();
    run(100);
    long current = now.get();
    run(100);
    assertEquals(Decision.RESYNC, rule.decide(ask("RESYNC x", current), false, watch.longestSince(current)));
  }

  @Test
  void aRowAtANewerEpochOrDeadStillFences() {
    assertEquals(Decision.FENCE, rule.decide(ask("FENCED epoch 7 is not current (node epoch 9, state ALIVE)", now.get()), false, 0));
  }

  @Test
  void aNodeThatAlreadyKnowsItIsFencedNeverResyncs() {
    assertEquals(Decision.FENCE, rule.decide(ask("RESYNC epoch 7 is unknown to Redis", now.get()), true, 0));
  }

  @Test
  void theLimitIsTheHeartbeatTimeout() {
    assertEquals(Decision.RESYNC, rule.decide(ask("RESYNC x", now.get()), false, 1_199 * MS));
    assertEquals(Decision.FENCE, rule.decide(ask("RESYNC x", now.get()), false, 1_200 * MS));
  }
}
