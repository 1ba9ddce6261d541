package io.ember.cluster.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.cluster.chaos.JobTimes.FaultWindow;
import io.ember.cluster.chaos.JobTimes.Job;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The chaos run's bookkeeping, without a cluster: what counts as a right total, and which jobs a fault overlapped. */
class ChaosBookkeepingTest {
  @Test
  void aCounterTotalIsRightOnlyIfItFollowsFromTheLastOneAndTheCallsThatMayHaveApplied() {
    PossibleTotals t = new PossibleTotals();
    assertTrue(t.accept(3, 3));
    t.unsure(4);
    assertEquals(Set.of(3L, 7L), t.totals());
    assertTrue(t.accept(2, 9), "7 + 2: the failed call had applied");
    assertFalse(t.accept(1, 9), "9 again after +1: an increment lost");
  }

  @Test
  void aJobOverlapsAFaultWindowIfTheirRunsShareAnyTime() {
    FaultWindow w = new FaultWindow(100, 200);
    assertTrue(new Job("k", 50, 150).overlaps(w));
    assertTrue(new Job("k", 120, 180).overlaps(w));
    assertTrue(new Job("k", 150, 250).overlaps(w));
    assertFalse(new Job("k", 10, 100).overlaps(w));
    assertFalse(new Job("k", 200, 300).overlaps(w));
  }

  @Test
  void jobTimesSplitIntoThoseAFaultOverlappedAndTheRest() {
    JobTimes times = new JobTimes();
    times.add("k", System.nanoTime() - 5_000_000);
    long now = System.nanoTime();
    List<FaultWindow> none = List.of(new FaultWindow(now + 1_000_000_000L, now + 2_000_000_000L));
    assertEquals(1, times.split(none, false).jobs());
    assertEquals(0, times.split(none, true).jobs());
    assertEquals(1, times.split(List.of(new FaultWindow(now - 1_000_000_000L, now)), true).jobs());
  }
}
