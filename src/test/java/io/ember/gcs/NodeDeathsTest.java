package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static io.ember.gcs.GcsTesting.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Declaring a node dead: its tasks LOST, its copies dropped, one ledger entry, once; only by the lease holder. */
class NodeDeathsTest extends RealRedis {
  private static final JobId JOB = JobId.named("deaths");
  private static final TaskId TASK = TaskId.child(TaskId.driverOf(JOB), 1);
  private static final NodeId DEAD = new NodeId("a");
  private static final NodeId LEADER = new NodeId("c");

  /**
   * A node that held 200,000 object copies (actor-call outputs pile up so) is declared dead
   * without blocking Redis: its copies go in short calls, and a client pinging throughout is
   * never kept waiting long. One script for all of them blocked Redis for seconds, longer than
   * the monitor lease's TTL, so the new leader lost its lease right after taking it over.
   */
  @Test
  void declaringANodeWithHundredsOfThousandsOfCopiesNeverBlocksRedisLong() throws Exception {
    int copies = 200_000;
    TableWriter w = gcs.writer(DEAD, await(gcs.nodes().register(DEAD, Map.of())));
    long term = await(gcs.lease().acquire(LEADER, await(gcs.nodes().register(LEADER, Map.of())), 10_000));
    for (int i = 1; i <= copies; i++) w.objectCreated(ObjectId.of(TaskId.child(TASK, i), 1), 10, TaskId.child(TASK, i), ObjectRecord.KIND_PUT, DEAD);
    await(w.flush());
    assertEquals((long) copies, await(gcs.counts()).get("objects"));

    await(gcs.redisForTests().send(Request.cmd(Command.CONFIG).arg("SET").arg("slowlog-log-slower-than").arg("1000")));
    await(gcs.redisForTests().send(Request.cmd(Command.SLOWLOG).arg("RESET")));
    AtomicLong worstPingMs = new AtomicLong();
    AtomicBoolean declaring = new AtomicBoolean(true);
    Promise<Void> pinging = Promise.promise();
    ping(worstPingMs, declaring, pinging);
    JsonObject v = await(gcs.deaths().declareDead(LEADER, term, DEAD, "missed heartbeats", 1_000));
    declaring.set(false);
    await(pinging.future());
    long longestCallMs = 0;
    for (Response e : await(gcs.redisForTests().send(Request.cmd(Command.SLOWLOG).arg("GET").arg(1000)))) {
      longestCallMs = Math.max(longestCallMs, e.get(2).toLong() / 1000);
    }
    assertEquals(copies, v.getInteger("objectsDropped"));
    assertEquals(null, await(gcs.counts()).get("objects"), "no copy left anywhere");
    // Redis's own account of its longest call (SLOWLOG), well below the lease TTL (2.5 s by default):
    // one script for all the copies ran 3,042 ms here
    assertTrue(longestCallMs < 1_000, "a Redis call ran " + longestCallMs + " ms while the node was declared dead");
    System.out.println("declared a node with " + copies + " copies: longest Redis call " + longestCallMs
        + " ms, worst PING meanwhile " + worstPingMs.get() + " ms");
  }

  /** PINGs one after another while {@code on}, keeping the longest wait. */
  private static void ping(AtomicLong worst, AtomicBoolean on, Promise<Void> done) {
    long t0 = System.nanoTime();
    gcs.redisForTests().send(Request.cmd(Command.PING)).onComplete(ar -> {
      worst.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
      if (on.get() && ar.succeeded()) ping(worst, on, done);
      else done.complete();
    });
  }

  @Test
  void declareDeadLosesTasksDropsCopiesAndLogsOnce() throws Exception {
    TableWriter w = gcs.writer(DEAD, await(gcs.nodes().register(DEAD, Map.of())));
    long term = await(gcs.lease().acquire(LEADER, await(gcs.nodes().register(LEADER, Map.of())), 10_000));
    w.taskSubmitted(TASK, new byte[] {1}, JOB, "f", ClientId.ofNode(DEAD));
    w.taskState(TASK, TaskState.RUNNING, DEAD, 0, null);
    w.objectCreated(ObjectId.of(TASK, 0), 10, TASK, ObjectRecord.KIND_PUT, DEAD);
    await(w.flush());

    JsonObject v = await(gcs.deaths().declareDead(LEADER, term, DEAD, "missed heartbeats", 1_000));
    assertFalse(v.getBoolean("alreadyDead"));
    assertEquals(1, v.getInteger("objectsDropped"));
    assertEquals(new JsonArray().add(TASK.toString()), v.getJsonArray("lost"));
    assertEquals(TaskState.LOST, await(gcs.tasks().get(TASK)).state());
    assertEquals(Set.of(), await(GcsTesting.locations(gcs, ObjectId.of(TASK, 0))));
    assertEquals(Map.of("task.LOST", 1L), await(gcs.counts()));
    assertEquals(NodeState.DEAD, await(gcs.nodes().all()).stream().filter(n -> n.id().equals(DEAD)).findFirst()
        .orElseThrow().state());
    LedgerEntry logged = LedgerEntry.fromJson(await(gcs.ledger().recent(1)).get(0));
    assertEquals(new LedgerEntry.NodeDead(DEAD, "missed heartbeats", 1_000, 1, 1, 0, 0, 0, "c|" + term), logged);

    JsonObject again = await(gcs.deaths().declareDead(LEADER, term, DEAD, "again", 2_000));
    assertTrue(again.getBoolean("alreadyDead"));
    assertEquals(new JsonArray(), again.getJsonArray("lost"));
    assertEquals(1, await(gcs.ledger().recent(10)).size());
  }

  @Test
  void aSecondDeclarationWritesNothing() throws Exception {
    TableWriter w = gcs.writer(DEAD, await(gcs.nodes().register(DEAD, Map.of())));
    long term = await(gcs.lease().acquire(LEADER, await(gcs.nodes().register(LEADER, Map.of())), 10_000));
    w.taskSubmitted(TASK, new byte[] {1}, JOB, "f", ClientId.ofNode(DEAD));
    w.taskState(TASK, TaskState.RUNNING, DEAD, 0, null);
    await(w.flush());
    await(gcs.deaths().declareDead(LEADER, term, DEAD, "missed heartbeats", 1_000));
    Map<String, String> before = dump();

    JsonObject again = await(gcs.deaths().declareDead(LEADER, term, DEAD, "no heartbeat since 0 (earlier run)", 2_000));
    assertTrue(again.getBoolean("alreadyDead"));
    assertEquals(before, dump());
  }

  @Test
  void tasksRecordedOnADeadNodeAfterItsDeathAreLostWithoutASecondLedgerEntry() throws Exception {
    NodeId other = new NodeId("b");
    TableWriter forwarder = gcs.writer(other, await(gcs.nodes().register(other, Map.of())));
    await(gcs.nodes().register(DEAD, Map.of()));
    long term = await(gcs.lease().acquire(LEADER, await(gcs.nodes().register(LEADER, Map.of())), 10_000));
    await(gcs.deaths().declareDead(LEADER, term, DEAD, "missed heartbeats", 1_000));
    // a peer that has not heard the verdict yet forwards a task to the dead node
    forwarder.taskSubmitted(TASK, new byte[] {1}, JOB, "f", ClientId.ofNode(other));
    forwarder.taskState(TASK, TaskState.QUEUED, DEAD, 0, null);
    await(forwarder.flush());

    JsonObject again = await(gcs.deaths().declareDead(LEADER, term, DEAD, "again", 2_000));
    assertTrue(again.getBoolean("alreadyDead"));
    assertEquals(new JsonArray().add(TASK.toString()), again.getJsonArray("lost"), "its owner must re-run it");
    assertEquals(TaskState.LOST, await(gcs.tasks().get(TASK)).state());
    List<JsonObject> ledger = await(gcs.ledger().recent(10));
    assertEquals(1, ledger.size(), "declared dead once: " + ledger);
    assertEquals("missed heartbeats", ledger.get(0).getString("reason"));
  }

  /** Every Ember key and its serialized value. */
  private static Map<String, String> dump() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (Response key : await(GcsTesting.redis(gcs).send(Request.cmd(Command.KEYS).arg("ember:*")))) {
      Response value = await(GcsTesting.redis(gcs).send(Request.cmd(Command.DUMP).arg(key.toString())));
      out.put(key.toString(), value == null ? null : HexFormat.of().formatHex(value.toBytes()));
    }
    return out;
  }

  @Test
  void onlyTheLeaseHolderMayDeclare() throws Exception {
    await(gcs.nodes().register(DEAD, Map.of()));
    long term = await(gcs.lease().acquire(LEADER, await(gcs.nodes().register(LEADER, Map.of())), 10_000));
    Throwable e = failure(gcs.deaths().declareDead(LEADER, term + 1, DEAD, "stale leader", 1_000));
    assertTrue(e.getMessage().contains("NOT_LEADER"), e.getMessage());
    assertTrue(await(gcs.nodes().all()).stream().allMatch(NodeRecord::alive));
    assertEquals(List.of(), await(gcs.deaths().placeUnplacedActors(LEADER, term, 1_000)).getList());
  }

  @Test
  void aNodeThatLeavesIsLeftAndItsWorkMovesAtOnce() throws Exception {
    long epoch = await(gcs.nodes().register(DEAD, Map.of()));
    TableWriter w = gcs.writer(DEAD, epoch);
    w.taskSubmitted(TASK, new byte[] {1}, JOB, "f", ClientId.ofNode(DEAD));
    w.taskState(TASK, TaskState.QUEUED, DEAD, 0, null);
    await(w.flush());

    JsonObject v = await(gcs.deaths().leave(DEAD, epoch, "stopped", 1_000));
    assertFalse(v.getBoolean("alreadyDead"));
    assertEquals(new JsonArray().add(TASK.toString()), v.getJsonArray("lost"));
    assertEquals(TaskState.LOST, await(gcs.tasks().get(TASK)).state());
    NodeRecord row = await(gcs.nodes().all()).stream().filter(n -> n.id().equals(DEAD)).findFirst().orElseThrow();
    assertEquals(NodeState.LEFT, row.state());
    assertEquals("stopped", row.fields().get("deadReason"));
    JsonObject entry = await(gcs.ledger().recent(1)).get(0);
    assertEquals("LEFT", entry.getString("state"));
    assertEquals("stopped", entry.getString("reason"));
  }

  @Test
  void onlyTheCurrentAliveIncarnationMayLeaveAndALeftNodeStaysLeft() throws Exception {
    long epoch = await(gcs.nodes().register(DEAD, Map.of()));
    assertTrue(failure(gcs.deaths().leave(DEAD, epoch + 1, "stopped", 1_000)).getMessage().contains("is not ALIVE"));
    await(gcs.deaths().leave(DEAD, epoch, "stopped", 1_000));
    assertTrue(failure(gcs.deaths().leave(DEAD, epoch, "stopped", 2_000)).getMessage().contains("is not ALIVE"));

    long term = await(gcs.lease().acquire(LEADER, await(gcs.nodes().register(LEADER, Map.of())), 10_000));
    assertTrue(await(gcs.deaths().declareDead(LEADER, term, DEAD, "process exited", 3_000)).getBoolean("alreadyDead"));
    NodeRecord row = await(gcs.nodes().all()).stream().filter(n -> n.id().equals(DEAD)).findFirst().orElseThrow();
    assertEquals(NodeState.LEFT, row.state());
    assertEquals("stopped", row.fields().get("deadReason"));
  }
}
