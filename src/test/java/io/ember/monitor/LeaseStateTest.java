package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LeaseStateTest {

  @Test
  void theTtlIsOneTimeoutButAtLeastSixRenewals() {
    assertEquals(2500, LeaseState.ttlMs(100, 2500));
    assertEquals(1800, LeaseState.ttlMs(300, 1200));
  }

  @Test
  void aFirstGrantIsATakeoverAndItsRenewalsAreNot() {
    LeaseState s = LeaseState.IDLE;
    assertFalse(s.acting());
    assertTrue(s.takesOver(7));
    s = s.granted(7, 1_000);
    assertEquals(new LeaseState(7, 7, 1_000), s);
    assertTrue(s.acting());
    assertFalse(s.takesOver(7), "a renewal is not a takeover");
    s = s.granted(7, 1_100);
    assertEquals(new LeaseState(7, 7, 1_100), s);
  }

  @Test
  void renewalTimeNeverGoesBackWhenAnswersArriveOutOfOrder() {
    LeaseState s = LeaseState.IDLE.acquired(3, 2_000).renewed(1_900);
    assertEquals(2_000, s.renewedAt());
  }

  @Test
  void noRenewalForAWholeTtlLapsesTheLease() {
    LeaseState s = LeaseState.IDLE.acquired(4, 1_000);
    assertFalse(s.expired(1_600, 600));
    assertEquals(s, s.lapsed(1_600, 600));
    assertTrue(s.expired(1_601, 600));
    LeaseState lapsed = s.lapsed(1_601, 600);
    assertFalse(lapsed.acting());
    assertFalse(lapsed.expired(5_000, 600), "a monitor that does not act has nothing to lapse");
    // the same term granted again after a lapse: it acts again, without a second takeover
    assertFalse(lapsed.takesOver(4));
    assertEquals(new LeaseState(4, 4, 1_700), lapsed.granted(4, 1_700));
  }

  @Test
  void losingTheLeaseStopsActingAndANewTermIsANewTakeover() {
    LeaseState s = LeaseState.IDLE.acquired(4, 1_000).lost();
    assertFalse(s.acting());
    assertEquals(4, s.lastTerm());
    assertTrue(s.takesOver(9));
    assertEquals(new LeaseState(9, 9, 2_000), s.granted(9, 2_000));
  }
}
