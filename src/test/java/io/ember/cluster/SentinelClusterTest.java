package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ObjectRef;
import io.ember.gcs.SentinelSet;
import io.ember.testing.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node JVMs whose Redis is a primary and a replica behind three Sentinels: the Redis primary is
 * killed (kill -9) in the middle of a DAG, the replica is promoted, and the job still gives the
 * exact result; {@code status} reads the cluster through the Sentinels.
 */
@Timeout(240)
class SentinelClusterTest {
  private static final Logger LOG = Logger.getLogger(SentinelClusterTest.class.getName());

  @TempDir
  Path dir;

  @Test
  void killMinusNineOfTheRedisPrimaryMidDagStillGivesTheExactResultAndStatusReadsThroughSentinel() throws Exception {
    try (SentinelSet set = SentinelSet.start(dir.resolve("redis"));
        LocalCluster cluster = LocalCluster.startWithSentinels(2, set, conf -> {})) {
      int n = 300;
      ObjectRef<Long> result = FaultToleranceTest.sumOfSquares(cluster.client(), n, 5); // 599 tasks
      poll("a quarter of the tasks finished", Duration.ofSeconds(60), () -> finished(cluster) > 150);
      SentinelSet.Server old = set.killPrimary();
      long killed = System.nanoTime();
      assertEquals(FaultToleranceTest.expected(n), result.get(Duration.ofSeconds(120)));
      LOG.info("the DAG finished " + (System.nanoTime() - killed) / 1_000_000 + " ms after the Redis primary's kill -9");
      set.awaitPromoted(old, Duration.ofSeconds(30));

      LocalCluster.NodeProcess status = cluster.launch("status", List.of("status", "-conf", cluster.dir().resolve("n0.json").toString()));
      assertTrue(status.process.waitFor(60, TimeUnit.SECONDS), "status answered");
      String out = cluster.logOf(status);
      assertEquals(0, status.process.exitValue(), out);
      for (String node : List.of("n0", "n1")) {
        String id = cluster.nodeIdOf(node).value();
        assertTrue(out.lines().anyMatch(l -> l.startsWith(id.substring(0, Math.min(12, id.length()))) && l.contains(" ALIVE ")),
            node + " ALIVE in:\n" + out);
      }
    }
  }

  private static long finished(LocalCluster cluster) {
    try {
      return await(cluster.gcs().counts()).getOrDefault("task.FINISHED", 0L);
    } catch (Exception e) {
      return -1;
    }
  }
}
