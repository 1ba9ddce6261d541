package io.ember.cluster.chaos;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.testing.LocalCluster;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos soak's short run: 45 s of {@code kill -9} and {@code SIGSTOP} of workers and of the
 * head, one node at a time every 5-12 s, with replacements, under the full checked workload. Seed
 * {@value #SEED} freezes the head first (at ~10 s) and kills a worker second (at ~38 s), so both
 * kinds and a head fault happen within the run.
 */
@Timeout(480)
class ChaosTest {
  static final long SEED = 42;

  @Test
  void faultsOnWorkersAndTheHeadLeaveNoWrongResultNoHungGetAndNoNodeUnsettled() throws Exception {
    ChaosReport r;
    Path dir;
    try (LocalCluster cluster = LocalCluster.start(Members.SIZE, Members.PRODUCT_TIMING)) {
      dir = cluster.dir();
      r = new ChaosSoak(cluster, ChaosSettings.shortRun(SEED)).run();
    }
    ChaosSoak.removeNodeDataDirs(dir);
    String where = " (seed " + SEED + ", node logs in " + dir + "; report " + r + ")";
    assertAll(
        () -> assertEquals(0, r.wrong(), "wrong results" + where),
        () -> assertEquals(0, r.hung(), "hung gets" + where),
        () -> assertTrue(r.faultsMatching("kill -9") >= 1 && r.faultsMatching("SIGSTOP") >= 1, "both kinds of fault" + where),
        () -> assertTrue(r.faultsMatching("head") >= 1, "a fault on the head" + where),
        () -> assertTrue(r.leaseChanges() >= 2, "the monitor lease moved after the head's fault" + where),
        () -> assertTrue(r.jobs().checked() > 0 && r.calls().checked() > 0, "jobs and calls were checked" + where),
        () -> assertTrue(Set.of("ALIVE", "DEAD", "LEFT").containsAll(r.nodeStates().keySet()), "node states" + where),
        () -> assertEquals(0, r.stuckNodes().size(), "nodes whose row and process disagree" + where));
  }
}
