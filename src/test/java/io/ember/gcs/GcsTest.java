package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static io.ember.gcs.GcsTesting.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Registration, fencing, exact counters and typed reads against one real redis-server (flushed per test). */
class GcsTest extends RealRedis {
  private static final JobId JOB = JobId.named("gcs-test");
  private static final TaskId DRIVER = TaskId.driverOf(JOB);

  private static TaskId task(int i) {
    return TaskId.child(DRIVER, i);
  }

  @Test
  void connectingToNothingIsUnavailableAndNamesTheAddress(Vertx vertx) throws Exception {
    int port = RedisProcess.freePort();
    Throwable e = failure(Gcs.connect(vertx, "127.0.0.1", port));
    EmberException ee = assertInstanceOf(EmberException.class, e);
    assertEquals(ErrorCode.UNAVAILABLE, ee.code());
    assertTrue(ee.getMessage().contains("127.0.0.1:" + port), ee.getMessage());
  }

  @Test
  void registrationHandsOutIncreasingEpochsAndNodesAreListed() throws Exception {
    NodeId a = new NodeId("node-a");
    NodeId b = new NodeId("node-b");
    long e1 = await(gcs.nodes().register(a, Map.of("host", "10.0.0.1", "transferPort", "7001")));
    long e2 = await(gcs.nodes().register(b, Map.of("host", "10.0.0.2")));
    long e3 = await(gcs.nodes().register(a, Map.of("host", "10.0.0.1", "transferPort", "7002")));
    assertTrue(e1 < e2 && e2 < e3, e1 + " " + e2 + " " + e3);

    List<NodeRecord> nodes = await(gcs.nodes().all());
    assertEquals(2, nodes.size());
    NodeRecord ra = nodes.stream().filter(n -> n.id().equals(a)).findFirst().orElseThrow();
    assertEquals(e3, ra.epoch());
    assertTrue(ra.alive());
    assertEquals("10.0.0.1", ra.host());
    assertEquals(7002, ra.transferPort());
    assertTrue(ra.startedAt() > 0);
  }

  @Test
  void writesWithTheCurrentEpochApply() throws Exception {
    NodeId n = new NodeId("node-w");
    TableWriter w = gcs.writer(n, await(gcs.nodes().register(n, Map.of())));
    TaskId t = task(1);
    ObjectId o = ObjectId.of(t, 0);
    w.taskSubmitted(t, new byte[] {1, 2, 3}, JOB, "Fns.add", ClientId.ofNode(n));
    w.taskState(t, TaskState.RUNNING, n, 1, null);
    w.objectCreated(o, 42, t, ObjectRecord.KIND_TASK, n);
    w.heartbeat(123_456L, "{\"cpu\":0.5}");
    w.jobFields(JOB, Map.of("name", "gcs-test", "state", "RUNNING"));
    await(w.flush());
    assertEquals(0, w.pending());

    TaskRecord tr = await(gcs.tasks().get(t));
    assertEquals(TaskState.RUNNING, tr.state());
    assertEquals(n, tr.node());
    assertEquals(ClientId.ofNode(n), tr.owner());
    assertEquals("Fns.add", tr.function());
    assertEquals(1, tr.attempts());
    assertNull(tr.failure());
    ObjectRecord or = await(gcs.objects().get(o));
    assertEquals(42, or.size());
    assertEquals(t, or.task());
    assertEquals(Set.of(n), or.locations());
    assertEquals(Set.of(n), await(GcsTesting.locations(gcs, o)));
    NodeRecord nr = await(gcs.nodes().all()).get(0);
    assertEquals(123_456L, nr.heartbeatAt());
    assertEquals("{\"cpu\":0.5}", nr.fields().get("load"));
    Map<String, String> job = Resp.strings(await(gcs.redisForTests().send(Request.cmd(Command.HGETALL).arg(Keys.job(JOB)))));
    assertEquals("RUNNING", job.get("state"));
    assertNotNull(job.get("updatedAt"));
    assertTrue(await(gcs.redisForTests().send(Request.cmd(Command.SISMEMBER).arg(Keys.JOBS).arg(JOB.toString()))).toBoolean());
    assertNull(await(gcs.tasks().get(task(99))));
    assertNull(await(gcs.objects().get(ObjectId.of(task(99), 0))));
  }

  @Test
  void aSpecOfEveryByteValueRoundTrips() throws Exception {
    NodeId n = new NodeId("node-bin");
    TableWriter w = gcs.writer(n, await(gcs.nodes().register(n, Map.of())));
    byte[] spec = new byte[512];
    for (int i = 0; i < spec.length; i++) spec[i] = (byte) i;
    w.taskSubmitted(task(7), spec, JOB, "f", ClientId.ofNode(n));
    await(w.flush());
    TaskRecord tr = await(gcs.tasks().get(task(7)));
    assertArrayEquals(spec, tr.spec());
    assertEquals(TaskState.PENDING, tr.state());
  }

  @Test
  void aDeadNodesBatchIsRejectedWholeAndItsWriterFenced(Vertx vertx) throws Exception {
    NodeId n = new NodeId("node-dead");
    TableWriter w = gcs.writer(n, await(gcs.nodes().register(n, Map.of())));
    List<String> fencedReasons = new CopyOnWriteArrayList<>();
    w.onFenced(fencedReasons::add);
    w.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(n));
    await(w.flush());

    await(GcsTesting.markNodeDead(gcs, n, "missed heartbeats"));
    await(GcsTesting.markNodeDead(gcs, n, "again"));   // idempotent: the first reason stays
    w.taskSubmitted(task(2), new byte[] {2}, JOB, "f", ClientId.ofNode(n));
    w.taskState(task(1), TaskState.RUNNING, n, 1, null);
    w.objectCreated(ObjectId.of(task(1), 0), 10, task(1), ObjectRecord.KIND_TASK, n);
    w.heartbeat(999L, "{}");
    EmberException e = assertInstanceOf(EmberException.class, failure(w.flush()));
    assertEquals(ErrorCode.FENCED, e.code());

    GcsTesting.eventually(vertx, Duration.ofSeconds(5), "onFenced called", () ->
        Future.succeededFuture(fencedReasons.size() == 1));
    assertTrue(fencedReasons.get(0).startsWith("FENCED"), fencedReasons.get(0));
    assertNull(await(gcs.tasks().get(task(2))));
    assertEquals(TaskState.PENDING, await(gcs.tasks().get(task(1))).state());
    assertNull(await(gcs.objects().get(ObjectId.of(task(1), 0))));
    NodeRecord nr = await(gcs.nodes().all()).get(0);
    assertEquals(NodeState.DEAD, nr.state());
    assertEquals("missed heartbeats", nr.deadReason());
    assertEquals(0, nr.heartbeatAt());
    assertEquals(Map.of("task.PENDING", 1L), await(gcs.counts()));

    w.taskSubmitted(task(3), new byte[] {3}, JOB, "f", ClientId.ofNode(n));   // refused: a no-op
    assertEquals(0, w.pending());
    assertTrue(w.fenced());
    assertEquals(1, fencedReasons.size());
  }

  @Test
  void aNewerIncarnationFencesTheOldWriter() throws Exception {
    NodeId n = new NodeId("node-zombie");
    TableWriter old = gcs.writer(n, await(gcs.nodes().register(n, Map.of())));
    List<String> fenced = new CopyOnWriteArrayList<>();
    old.onFenced(fenced::add);
    TableWriter fresh = gcs.writer(n, await(gcs.nodes().register(n, Map.of())));

    old.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(n));
    assertEquals(ErrorCode.FENCED, assertInstanceOf(EmberException.class, failure(old.flush())).code());
    fresh.taskSubmitted(task(2), new byte[] {2}, JOB, "f", ClientId.ofNode(n));
    await(fresh.flush());
    assertNull(await(gcs.tasks().get(task(1))));
    assertNotNull(await(gcs.tasks().get(task(2))));
    assertFalse(fresh.fenced());
  }

  @Test
  void countersStayExactThroughStatesLocationsDuplicatesAndReplays() throws Exception {
    NodeId n1 = new NodeId("n1");
    NodeId n2 = new NodeId("n2");
    NodeId n3 = new NodeId("n3");
    long epoch = await(gcs.nodes().register(n1, Map.of()));
    TableWriter w = gcs.writer(n1, epoch);
    applySequence(w, n1, n2, n3);
    await(w.flush());
    Map<String, Long> expected = Map.of("task.PENDING", 1L, "task.RUNNING", 1L, "task.FINISHED", 1L,
        "task.QUEUED", 0L, "task.LOST", 0L, "objects", 2L, "objectBytes", 150L);
    assertCounts(expected);
    assertEquals(Set.of(task(3).toString()), members(Keys.nodeTasks(n2)));
    assertEquals(Set.of(), members(Keys.nodeTasks(n1)));
    assertEquals(Set.of(n3), await(GcsTesting.locations(gcs, ObjectId.of(task(1), 0))));
    assertEquals(Set.of(ObjectId.of(task(2), 0).toString()), members(Keys.nodeObjects(n1)));

    // A re-sent batch (after a lost reply) re-applies ops already applied: nothing may change.
    applySequence(w, n1, n2, n3);
    await(w.flush());
    assertCounts(expected);
    assertEquals(Set.of(task(3).toString()), members(Keys.nodeTasks(n2)));
  }

  private static void applySequence(TableWriter w, NodeId n1, NodeId n2, NodeId n3) {
    for (int i = 1; i <= 3; i++) w.taskSubmitted(task(i), new byte[] {(byte) i}, JOB, "f", ClientId.ofNode(n1));
    w.taskState(task(1), TaskState.QUEUED, n1, 0, null);
    w.taskState(task(1), TaskState.RUNNING, n1, 1, null);
    w.taskState(task(1), TaskState.RUNNING, n1, 1, null);           // duplicate
    w.taskState(task(1), TaskState.FINISHED, n1, 1, null);
    w.taskState(task(2), TaskState.QUEUED, n1, 0, null);
    w.taskState(task(2), TaskState.LOST, n1, 0, new TaskFailure(null, null, "node n1 died", null));
    w.taskState(task(2), TaskState.PENDING, null, 1, null);
    w.taskState(task(3), TaskState.QUEUED, n1, 0, null);
    w.taskState(task(3), TaskState.RUNNING, n2, 1, null);           // spilled to n2: leaves n1's set

    ObjectId o1 = ObjectId.of(task(1), 0);
    ObjectId o2 = ObjectId.of(task(2), 0);
    w.objectCreated(o1, 100, task(1), ObjectRecord.KIND_TASK, n1);
    w.objectCreated(o1, 100, task(1), ObjectRecord.KIND_TASK, n1);  // duplicate: counted once
    w.objectCreated(o1, 100, task(1), ObjectRecord.KIND_TASK, n2);
    w.objectCreated(o2, 50, task(2), ObjectRecord.KIND_PUT, n1);
    w.objectLocationRemoved(o1, n1);                                 // one copy left
    w.objectLocationRemoved(o1, n2);                                 // none left: uncounted
    w.objectLocationRemoved(o1, n2);                                 // duplicate
    w.objectCreated(o1, 100, task(1), ObjectRecord.KIND_TASK, n3);   // rebuilt elsewhere
  }

  /** ember:counts holds exactly {@code expected}, where a listed 0 may also be absent. */
  static void assertCounts(Gcs gcs, Map<String, Long> expected) throws Exception {
    Map<String, Long> actual = new TreeMap<>(await(gcs.counts()));
    expected.forEach((k, v) -> actual.putIfAbsent(k, 0L));
    assertEquals(new TreeMap<>(expected), actual);
  }

  private static void assertCounts(Map<String, Long> expected) throws Exception {
    assertCounts(gcs, expected);
  }

  private static Set<String> members(String key) throws Exception {
    Set<String> out = new HashSet<>();
    await(gcs.redisForTests().send(Request.cmd(Command.SMEMBERS).arg(key))).forEach(r -> out.add(r.toString()));
    return out;
  }

  @Test
  void recoveriesAreNewestFirstAndCapped() throws Exception {
    NodeId n = new NodeId("node-rec");
    TableWriter w = gcs.writer(n, await(gcs.nodes().register(n, Map.of())));
    for (int i = 0; i < Keys.RECOVERIES_CAP + 5; i++) w.recovery(new JsonObject().put("i", i));
    await(w.flush());
    List<JsonObject> last = await(gcs.ledger().recent(3));
    assertEquals(List.of(1004, 1003, 1002), last.stream().map(j -> j.getInteger("i")).toList());
    assertEquals(Keys.RECOVERIES_CAP, await(gcs.redisForTests().send(Request.cmd(Command.LLEN).arg(Keys.RECOVERIES))).toInteger());
  }
}
