package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.ember.ids.NodeId;
import io.ember.node.RedisWait;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sentinel that missed a failover names the dead primary for ever, and the Vert.x Sentinel
 * client takes the first sentinel that answers. Seen in a cluster test: the head's sentinel,
 * started before the replicas and the other sentinels and killed-around within its first 10 s,
 * never learned of them; every node asked it first and none reached the promoted primary again
 * (35 s without a write, no monitor, the test's DAG timed out). Here: a real primary, replica
 * and three sentinels, a failover, and a stray fourth sentinel that still names the old primary
 * listed first; a writer, the pooled reads and the lease link get through anyway.
 */
@ExtendWith(VertxExtension.class)
class StraySentinelTest {
  @TempDir
  Path dir;

  @Test
  void aSentinelThatMissedTheFailoverAndIsAskedFirstDoesNotKeepAnyoneFromThePromotedPrimary(Vertx vertx) throws Exception {
    try (SentinelSet set = SentinelSet.start(dir)) {
      SentinelSet.Server old = set.killPrimary();
      set.awaitPromoted(old, Duration.ofSeconds(30));
      SentinelSet.Server stray = set.straySentinel(old.port);
      List<String> sentinels = new ArrayList<>(List.of("127.0.0.1:" + stray.port));
      for (SentinelSet.Server s : set.sentinels()) sentinels.add("127.0.0.1:" + s.port);
      // as a starting node connects: tried again with back-off while no primary answers
      Gcs gcs = await(RedisWait.connect(vertx, Clock.systemUTC(), RedisEndpoint.sentinel(sentinels, SentinelSet.MASTER), 30_000));
      try {
        NodeId n = new NodeId("node-stray-sentinel");
        TableWriter w = gcs.writer(n, await(gcs.nodes().register(n, Map.of()), Duration.ofSeconds(30)));
        w.recovery(new JsonObject().put("through", "the promoted primary"));
        await(w.flush(), Duration.ofSeconds(30));
        try (DedicatedLink link = gcs.leaseLink(1_000)) {
          assertEquals("OK", link.await(link.send(Request.cmd(Command.SET).arg("k").arg("v"))).toString());
        }
        assertEquals(1L, await(gcs.redisForTests().send(Request.cmd(Command.LLEN).arg(Keys.RECOVERIES))).toLong());
        assertNotEquals("127.0.0.1:" + stray.port, SentinelOrder.current(sentinels, SentinelSet.MASTER).get(0),
            "the stray sentinel is no longer asked first");
      } finally {
        await(gcs.close());
      }
    }
  }

  @Test
  void theSentinelsNamingThePrimaryOfTheLatestFailoverGoFirstAndSilentOnesLast() {
    List<String> now = List.of("a:1", "b:2", "c:3", "d:4");
    List<SentinelOrder.View> said = List.of(new SentinelOrder.View("a:1", "old:6379", 0),
        new SentinelOrder.View("c:3", "new:6380", 1), new SentinelOrder.View("d:4", "new:6380", 1));
    assertEquals(List.of("c:3", "d:4", "a:1", "b:2"), SentinelOrder.reorder(now, said));
    assertEquals(now, SentinelOrder.reorder(now, List.of()));
  }
}
