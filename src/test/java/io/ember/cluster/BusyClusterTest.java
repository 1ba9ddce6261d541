package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ObjectRef;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestFns;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Heartbeats must not lie when the machine is saturated: every core busy for 30 s (25 heartbeat timeouts of 1.2 s), no node declared dead. */
@Timeout(240)
class BusyClusterTest {

  @Test
  void noFalsePositiveWhileEveryCoreIsBusyFor30Seconds() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(3)) {
      long t0 = System.currentTimeMillis();
      List<ObjectRef<Long>> burners = new ArrayList<>();
      // 3 nodes x 2 slots, each slot spinning 3 x 10 s: six busy threads on this 2-core machine for 30 s
      for (int i = 0; i < 6 * 3; i++) burners.add(cluster.client().task(TestFns::spin, 10_000).remote());
      for (ObjectRef<Long> b : burners) b.get(Duration.ofSeconds(200));
      long busyMs = System.currentTimeMillis() - t0;
      assertTrue(busyMs >= 28_000, "the cores were busy for " + busyMs + " ms");
      assertTrue(busyMs < 55_000, "the work was spread over all three nodes: " + busyMs + " ms");
      assertEquals(3, cluster.aliveCount(), "no node was declared dead");
      List<JsonObject> ledger = await(cluster.gcs().ledger().recent(1000));
      assertTrue(ledger.stream().noneMatch(r -> "node-dead".equals(r.getString("kind"))), ledger.toString());
    }
  }
}
