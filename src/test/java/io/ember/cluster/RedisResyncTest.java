package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ActorHandle;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.examples.Counter;
import io.ember.gcs.GcsTesting;
import io.ember.gcs.NodeRecord;
import io.ember.gcs.NodeState;
import io.ember.ids.NodeId;
import io.ember.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Redis that comes back empty (FLUSHALL) or behind (kill -9 and a restart on an earlier copy of
 * its data) in the middle of
 * a DAG and of actor calls: exact results, every node still running and re-registered exactly
 * once at a higher epoch, the counter exact (no call lost or applied twice), one
 * {@code gcs-resynced} ledger entry per node, no ALIVE row for a node that is not running.
 */
@Timeout(300)
public class RedisResyncTest {
  private static final Logger LOG = Logger.getLogger(RedisResyncTest.class.getName());
  private static final int NODES = 3;
  private static final int LEAVES = 400;
  private static final int CALLS = 300;
  LocalCluster cluster;

  @AfterEach
  void down() {
    if (cluster != null) cluster.close();
  }

  @Test
  void flushAllMidDagAndActorCallsResyncsEveryNodeOnceWithExactResults() throws Exception {
    survives(() -> { }, () -> await(GcsTesting.redis(cluster.gcs()).send(Request.cmd(Command.FLUSHALL))));
  }

  /**
   * Redis killed -9 and restarted on an earlier copy of its append-only file (as a file that lost
   * its tail would leave it): every node's row is still there at its current epoch, but behind.
   */
  @Test
  void redisKilledAndRestartedBehindMidDagResyncsEveryNodeOnceWithExactResults() throws Exception {
    Path[] copy = new Path[1];
    survives(() -> copy[0] = cluster.copyRedisData(), () -> cluster.restartRedisOn(copy[0]));
  }

  /**
   * The zombie case: a node frozen until it is declared dead, then Redis is flushed (its death is
   * lost with the rest) and the node resumed. Its peers write its death back when they resync,
   * and it cannot prove it was current when Redis lost its row: it exits (code 3) instead of
   * re-registering, and no ALIVE row is ever written for it.
   */
  @Test
  void aNodeDeclaredDeadBeforeTheLossDoesNotComeBackThroughTheResync() throws Exception {
    cluster = LocalCluster.start(NODES);
    NodeId zombie = cluster.nodeIdOf("n2");
    cluster.freeze("n2");
    poll("n2 declared dead", Duration.ofSeconds(30), () -> "DEAD".equals(state("n2")));
    await(GcsTesting.redis(cluster.gcs()).send(Request.cmd(Command.FLUSHALL)));
    poll("the two live nodes resynced", Duration.ofSeconds(30), () -> resynced().size() >= NODES - 1);
    cluster.resume("n2");
    Process p = cluster.node("n2").process;
    poll("n2 exits", Duration.ofSeconds(30), () -> !p.isAlive());
    assertEquals(3, p.exitValue(), cluster.logOf(cluster.node("n2")));
    for (NodeRecord r : await(cluster.gcs().nodes().all())) {
      if (r.id().equals(zombie)) assertEquals(NodeState.DEAD, r.state(), r.toString());
    }
    assertTrue(resynced().stream().noneMatch(e -> zombie.value().equals(e.getString("node"))), resynced().toString());
    EmberClient ember = cluster.client();
    assertEquals(FaultToleranceTest.expected(50), FaultToleranceTest.sumOfSquares(ember, 50, 1).get(Duration.ofSeconds(60)));
  }

  private String state(String name) {
    try {
      return cluster.stateOf(name);
    } catch (Exception e) {
      return null;
    }
  }

  interface Loss {
    void lose() throws Exception;
  }

  /** {@code first} runs once some of the DAG has finished, {@code loss} once more of it has. */
  private void survives(Loss first, Loss loss) throws Exception {
    cluster = LocalCluster.start(NODES);
    EmberClient ember = cluster.client();
    Map<String, Long> before = epochs();
    ActorHandle<Counter> counter = ember.actor(Counter::new, 0L).remote();
    List<ObjectRef<Long>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS / 2; i++) calls.add(counter.task(Counter::incr, 1).remote());
    ObjectRef<Long> sum = FaultToleranceTest.sumOfSquares(ember, LEAVES, 5);
    poll("some of the DAG finished", Duration.ofSeconds(60), () -> finished() > 100);
    first.lose();
    poll("more of the DAG finished", Duration.ofSeconds(60), () -> finished() > 200);
    loss.lose();
    for (int i = CALLS / 2; i < CALLS; i++) calls.add(counter.task(Counter::incr, 1).remote());

    assertEquals(FaultToleranceTest.expected(LEAVES), sum.get(Duration.ofSeconds(120)));
    for (int i = 0; i < CALLS; i++) assertEquals(i + 1L, calls.get(i).get(Duration.ofSeconds(60)), "call " + i);
    assertEquals((long) CALLS, counter.task(Counter::get).remote().get(Duration.ofSeconds(30)));

    poll("one gcs-resynced entry per node", Duration.ofSeconds(30), () -> resynced().size() >= NODES);
    List<JsonObject> entries = resynced();
    assertEquals(NODES, entries.size(), entries.toString());
    assertEquals(NODES, entries.stream().map(e -> e.getString("node")).distinct().count(), entries.toString());
    for (JsonObject e : entries) assertTrue(e.getLong("newEpoch") > e.getLong("oldEpoch"), e.toString());
    for (LocalCluster.NodeProcess p : cluster.nodes()) assertTrue(p.process.isAlive(), p.name + " exited:\n" + cluster.logOf(p));

    Map<String, Long> after = epochs();
    assertEquals(before.keySet(), after.keySet(), "every node re-registered, and only the nodes that run: " + after);
    for (String name : before.keySet()) assertTrue(after.get(name) > before.get(name), name + ": " + before + " -> " + after);
    poll("an acting monitor again", Duration.ofSeconds(30), () -> {
      try {
        return cluster.leader() != null;
      } catch (Exception e) {
        return false;
      }
    });
    LOG.info("resync ms per node: " + entries.stream().map(e -> e.getLong("ms") + " (" + e.getLong("objects") + " objects, "
        + e.getLong("tasks") + " tasks, " + e.getLong("actors") + " actors)").toList());
  }

  /** The ALIVE rows by node name: each name at most once. */
  private Map<String, Long> epochs() throws Exception {
    Map<String, Long> out = new HashMap<>();
    for (NodeRecord r : await(cluster.gcs().nodes().all())) {
      if (r.state() != NodeState.ALIVE) continue;
      Long was = out.put(r.fields().get("name"), r.epoch());
      assertEquals(null, was, "two ALIVE rows for " + r.fields().get("name"));
    }
    return out;
  }

  private List<JsonObject> resynced() {
    try {
      return await(cluster.gcs().ledger().recent(1000)).stream().filter(e -> "gcs-resynced".equals(e.getString("kind"))).toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  private long finished() {
    try {
      return await(cluster.gcs().counts()).getOrDefault("task.FINISHED", 0L);
    } catch (Exception e) {
      return 0;
    }
  }
}
