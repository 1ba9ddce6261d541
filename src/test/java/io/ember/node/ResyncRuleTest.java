package io.ember.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.gcs.ResyncAsk;
import io.ember.node.ResyncRule.Decision;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The rule that turns "Redis lost my row" into a resync or a fence, on made-up clock readings. */
class ResyncRuleTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private final ResyncRule rule = new ResyncRule(1200);

  private static ResyncAsk ask(String reason, long currentAtMs, long troubleAtMs) {
    return new ResyncAsk(reason, 7, 1_000_000 * MS + currentAtMs * MS, 1_000_000 * MS + troubleAtMs * MS);
  }

  @Test
  void aRowGoneRightAfterAnAppliedWriteResyncs() {
    assertEquals(Decision.RESYNC, rule.decide(ask("RESYNC epoch 7 is unknown to Redis", 0, 100), false));
  }

  @Test
  void aRedisThatWasAwayForLongResyncsWhenTheTroubleBeganRightAfterAnAppliedWrite() {
    // the link went down 100 ms after the last applied batch; the refusal came 30 s later: no one can declare a node dead without Redis
    assertEquals(Decision.RESYNC, rule.decide(ask("RESYNC epoch 7 is unknown to Redis", 0, 100), false));
  }

  @Test
  void aNodeFrozenPastTheHeartbeatTimeoutFencesItselfInsteadOfComingBack() {
    ResyncAsk frozen = ask("RESYNC epoch 7 is unknown to Redis", 0, 5_000);
    assertEquals(Decision.FENCE, rule.decide(frozen, false));
    assertTrue(rule.whyFenced(frozen).contains("5000 ms"), rule.whyFenced(frozen));
  }

  @Test
  void aRowAtANewerEpochOrDeadStillFences() {
    assertEquals(Decision.FENCE, rule.decide(ask("FENCED epoch 7 is not current (node epoch 9, state ALIVE)", 0, 10), false));
  }

  @Test
  void aNodeThatAlreadyKnowsItIsFencedNeverResyncs() {
    assertEquals(Decision.FENCE, rule.decide(ask("RESYNC epoch 7 is unknown to Redis", 0, 10), true));
  }

  @Test
  void theLimitIsTheHeartbeatTimeout() {
    assertEquals(Decision.RESYNC, rule.decide(ask("RESYNC x", 0, 1_199), false));
    assertEquals(Decision.FENCE, rule.decide(ask("RESYNC x", 0, 1_200), false));
  }
}
