package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.examples.Fns;
import io.ember.gcs.GcsTesting;
import io.ember.gcs.Keys;
import io.ember.gcs.TaskRecord;
import io.ember.gcs.TaskState;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestFns;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real failures of real processes: kill -9 and SIGSTOP of node JVMs in a 3-node cluster, with
 * exact results checked. Each test gets its own cluster (a failure changes it for good).
 */
@Timeout(240)
public class FaultToleranceTest {
  LocalCluster cluster;

  @AfterEach
  void down() {
    if (cluster != null) cluster.close();
  }

  /** A DAG of n slow leaves and an add-tree over them: 2n-1 tasks. */
  public static ObjectRef<Long> sumOfSquares(EmberClient ember, int n, int leafMs) {
    List<ObjectRef<Long>> level = new ArrayList<>();
    for (long i = 1; i <= n; i++) level.add(ember.task(TestFns::squareSlow, i, leafMs).remote());
    while (level.size() > 1) {
      List<ObjectRef<Long>> next = new ArrayList<>();
      for (int i = 0; i + 1 < level.size(); i += 2) next.add(ember.task(Fns::add, level.get(i), level.get(i + 1)).remote());
      if (level.size() % 2 == 1) next.add(level.get(level.size() - 1));
      level = next;
    }
    return level.get(0);
  }

  public static long expected(int n) {
    return (long) n * (n + 1) * (2L * n + 1) / 6;
  }

  long finished() throws Exception {
    return await(cluster.gcs().counts()).getOrDefault("task.FINISHED", 0L);
  }

  @Test
  void killMinusNineMidDagStillGivesTheExactResult() throws Exception {
    cluster = LocalCluster.start(3);
    ObjectRef<Long> result = sumOfSquares(cluster.client(), 600, 5); // 1,199 tasks
    poll("a third of the tasks finished", Duration.ofSeconds(60), () -> {
      try {
        return finished() > 400;
      } catch (Exception e) {
        return false;
      }
    });
    cluster.kill("n1");
    assertEquals(expected(600), result.get(Duration.ofSeconds(120)));
    poll("n1 DEAD in the node table", Duration.ofSeconds(10), () -> "DEAD".equals(state("n1")));
    List<JsonObject> ledger = await(cluster.gcs().ledger().recent(1000));
    assertTrue(ledger.stream().anyMatch(r -> "node-dead".equals(r.getString("kind"))), ledger.toString());
    assertTrue(ledger.stream().anyMatch(r -> "task-resubmitted".equals(r.getString("kind"))), ledger.toString());
  }

  String state(String name) {
    try {
      return cluster.stateOf(name);
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * The chaos soak's last hang: a node accepted a task, ran it and sent its result to the owner,
   * but was fenced before its rows landed, then died: nobody but the owner knew the object. Here
   * the rows are deleted by hand, and the node holding the only copy is killed. A task on another
   * node that takes the object asks its owner (the table knows nothing), and the owner re-runs
   * the task from the lineage it kept: the exact result, not 60 s of UNKNOWN_OBJECT.
   */
  @Test
  void anObjectWhoseRowsNeverLandedIsRebuiltByItsOwnerWhenItsNodeDies() throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    int size = 2 * 1024 * 1024;
    ObjectRef<byte[]> big = ember.task(Fns::bytes, size, 11).remote(); // not pinned: it must be able to run again elsewhere
    assertEquals(size, big.get(Duration.ofSeconds(30)).length);
    ObjectId id = ObjectId.parse(big.id());
    List<NodeId> at = new ArrayList<>(await(GcsTesting.locations(cluster.gcs(), id)));
    assertEquals(1, at.size(), at.toString());
    String holder = cluster.nameOf(at.get(0));
    String other = "n0".equals(holder) ? "n1" : "n0";
    await(GcsTesting.redis(cluster.gcs()).send(Request.cmd(Command.DEL).arg(Keys.task(id.task())).arg(Keys.object(id))));
    cluster.kill(holder);
    poll(holder + " DEAD in the node table", Duration.ofSeconds(30), () -> "DEAD".equals(state(holder)));
    long expected = Fns.checksum(Fns.bytes(size, 11));
    assertEquals(expected, ember.task(Fns::checksum, big).resource("node:" + other, 1).remote().get(Duration.ofSeconds(45)));
  }

  @Test
  void frozenNodeIsDeclaredDeadItsWorkRedoneAndWhenResumedItIsFenced() throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    List<ObjectRef<Long>> refs = new ArrayList<>();
    for (int i = 0; i < 12; i++) refs.add(ember.task(TestFns::addSlow, (long) i, 1L, 1500).resource("node:n2", 0.001).remote());
    poll("tasks running on n2", Duration.ofSeconds(30), () -> running(cluster, "n2") > 0);
    NodeId n2 = cluster.nodeIdOf("n2");
    long frozenAt = System.currentTimeMillis();
    cluster.freeze("n2");
    poll("n2 declared DEAD", Duration.ofSeconds(10), () -> "DEAD".equals(state("n2")));
    long detectedMs = System.currentTimeMillis() - frozenAt;
    assertTrue(detectedMs < 5000, "a frozen node must be declared dead quickly, took " + detectedMs + " ms");
    // its pinned work cannot run anywhere else (the resource died with it): the callers get a typed error, not a hang
    EmberException e = assertThrows(EmberException.class, () -> refs.get(0).get(Duration.ofSeconds(30)));
    assertTrue(e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.OBJECT_LOST, e.toString());
    List<TaskState> before = pinnedStates(refs);
    cluster.resume("n2");
    // the zombie learns it is dead from its first refused write and exits
    assertTrue(cluster.node("n2").process.waitFor(10, TimeUnit.SECONDS), "the fenced node must exit");
    assertEquals(3, cluster.node("n2").process.exitValue());
    assertTrue(cluster.logOf(cluster.node("n2")).contains("fenced"), cluster.logOf(cluster.node("n2")));
    // only n2 could finish these (pinned to it), so one FINISHED now that was not before is a zombie's write
    List<TaskState> after = pinnedStates(refs);
    for (int i = 0; i < refs.size(); i++) {
      if (before.get(i) != TaskState.FINISHED) {
        assertNotEquals(TaskState.FINISHED, after.get(i), "a fenced node wrote nothing after it was declared dead");
      }
    }
    // and the cluster keeps working without it
    assertEquals(4L, ember.task(Fns::add, 2L, 2L).remote().get(Duration.ofSeconds(30)));
    assertNotEquals(n2, cluster.leader());
  }

  List<TaskState> pinnedStates(List<ObjectRef<Long>> refs) throws Exception {
    List<TaskState> out = new ArrayList<>();
    for (ObjectRef<Long> r : refs) {
      TaskRecord row = await(cluster.gcs().tasks().get(ObjectId.parse(r.id()).task()));
      out.add(row == null ? null : row.state());
    }
    return out;
  }

  static long running(LocalCluster c, String name) {
    try {
      NodeId id = c.nodeIdOf(name);
      return await(GcsTesting.redis(c.gcs()).send(Request.cmd(Command.SCARD)
          .arg(Keys.nodeTasks(id)))).toLong();
    } catch (Exception e) {
      return 0;
    }
  }

  @Test
  void unpinnedWorkOfAFrozenNodeIsRedoneElsewhere() throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    List<ObjectRef<Long>> refs = new ArrayList<>();
    for (int i = 0; i < 30; i++) refs.add(ember.task(TestFns::addSlow, (long) i, 1L, 1000).remote());
    poll("tasks running on n1", Duration.ofSeconds(30), () -> running(cluster, "n1") > 0);
    cluster.freeze("n1");
    for (int i = 0; i < refs.size(); i++) assertEquals(i + 1L, refs.get(i).get(Duration.ofSeconds(60)));
    cluster.resume("n1");
  }

  @Test
  void whenTheActingMonitorsNodeDiesAnotherTakesOver() throws Exception {
    cluster = LocalCluster.start(3);
    poll("a leader", Duration.ofSeconds(10), () -> leader() != null);
    NodeId first = leader();
    String name = cluster.nameOf(first);
    long t0 = System.currentTimeMillis();
    cluster.kill(name);
    poll("a new leader", Duration.ofSeconds(10), () -> leader() != null && !first.equals(leader()));
    long takeoverMs = System.currentTimeMillis() - t0;
    assertTrue(takeoverMs < 5000, "takeover took " + takeoverMs + " ms");
    // the new leader finished the cleanup of the old one's node
    poll(name + " DEAD", Duration.ofSeconds(10), () -> "DEAD".equals(state(name)));
    assertEquals(9L, cluster.client().task(Fns::square, 3L).remote().get(Duration.ofSeconds(30)));
  }

  NodeId leader() {
    try {
      return cluster.leader();
    } catch (Exception e) {
      return null;
    }
  }

  @Test
  void evictedObjectsAreRebuiltThroughSeveralLevelsOfLineage() throws Exception {
    // one node, a 2 MiB store that drops (no spill): a chain of 1 MiB objects loses its early links
    cluster = LocalCluster.start(1, conf -> conf.put("objects", new JsonObject().put("capacityMb", 2).put("spill", false)));
    EmberClient ember = cluster.client();
    ObjectRef<byte[]> a = ember.task(Fns::bytes, 1 << 20, 1).remote();
    ObjectRef<byte[]> b = ember.task(TestFns::mix, a, 2).remote();
    ObjectRef<byte[]> c = ember.task(TestFns::mix, b, 3).remote();
    ObjectRef<byte[]> d = ember.task(TestFns::mix, c, 4).remote();
    ObjectRef<Long> sum = ember.task(Fns::checksum, d).remote();
    long expect = Fns.checksum(TestFns.mix(TestFns.mix(TestFns.mix(Fns.bytes(1 << 20, 1), 2), 3), 4));
    assertEquals(expect, sum.get(Duration.ofSeconds(60)));
    // by now a, b and c were evicted without copies; asking for a rebuilds it, asking for c rebuilds a→b→c
    poll("early objects dropped", Duration.ofSeconds(10), () -> locations(a) == 0);
    assertEquals(Fns.checksum(Fns.bytes(1 << 20, 1)), ember.task(Fns::checksum, a).remote().get(Duration.ofSeconds(60)));
    ObjectRef<Long> again = ember.task(Fns::checksum, c).remote();
    assertEquals(Fns.checksum(TestFns.mix(TestFns.mix(Fns.bytes(1 << 20, 1), 2), 3)), again.get(Duration.ofSeconds(60)));
    TaskRecord rec = await(cluster.gcs().tasks().get(ObjectId.parse(a.id()).task()));
    assertNotNull(rec);
    assertTrue(rec.attempts() >= 1, "a was re-executed: attempts " + rec.attempts());
  }

  long locations(ObjectRef<?> r) {
    try {
      return await(GcsTesting.locations(cluster.gcs(), ObjectId.parse(r.id()))).size();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void spentRetriesGiveATypedErrorBeforeTheDeadline() throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    ObjectRef<Long> r = ember.task(TestFns::addSlow, 1L, 2L, 20_000).maxRetries(0).remote();
    ObjectId oid = ObjectId.parse(r.id());
    poll("the task running", Duration.ofSeconds(30), () -> runningNode(oid) != null);
    cluster.kill(cluster.nameOf(runningNode(oid)));
    long t0 = System.currentTimeMillis();
    EmberException e = assertThrows(EmberException.class, () -> r.get(Duration.ofSeconds(30)));
    assertTrue(System.currentTimeMillis() - t0 < 15_000, "the error came well before the deadline");
    assertEquals(ErrorCode.OBJECT_LOST, e.code(), e.toString());
    assertTrue(e.getMessage().contains(oid.task().toString()) && e.getMessage().contains("died"), e.getMessage());
  }

  NodeId runningNode(ObjectId oid) {
    try {
      TaskRecord t = await(cluster.gcs().tasks().get(oid.task()));
      return t != null && t.state() == TaskState.RUNNING ? t.node() : null;
    } catch (Exception e) {
      return null;
    }
  }
}
