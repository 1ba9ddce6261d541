package io.ember.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.testing.LocalCluster;
import io.ember.testing.TestFns;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node's life as a user sees it: started in any order, stopped cleanly. */
@Timeout(180)
class NodeLifecycleTest {
  LocalCluster cluster;

  @AfterEach
  void down() {
    if (cluster != null) cluster.close();
  }

  @Test
  void aWorkerStartedBeforeRedisWaitsForItAndComesUp() throws Exception {
    cluster = LocalCluster.withoutRedis(1);
    LocalCluster.NodeProcess w = cluster.startNode("w0", conf -> {});
    LocalCluster.poll("w0 says it waits for Redis", Duration.ofSeconds(60),
        () -> cluster.logOf(w).contains("waiting for Redis at 127.0.0.1:") || !w.process.isAlive());
    assertTrue(w.process.isAlive(), "w0 exited instead of waiting:\n" + cluster.logOf(w));

    cluster.startRedis();
    cluster.awaitAlive(1, Duration.ofSeconds(60));
    cluster.joinAsDriver();
    assertEquals(25L, cluster.client().task(TestFns::addSlow, 12L, 13L, 0).resource("node:w0", 1).remote().get(Duration.ofSeconds(30)));
  }
}
