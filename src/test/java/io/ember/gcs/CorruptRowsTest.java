package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static io.ember.gcs.GcsTesting.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ActorDiedException;
import io.ember.api.ErrorCode;
import io.ember.api.ObjectLostException;
import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rows corrupted with raw Redis commands (a key of another type, a field that does not decode):
 * each fails its own entity once, typed and ledgered, and no script writes half a batch.
 */
class CorruptRowsTest extends RealRedis {
  static final JobId JOB = JobId.named("corrupt");
  static final TaskId TASK = TaskId.child(TaskId.driverOf(JOB), 0);
  static final NodeId A = new NodeId("a");
  static final NodeId B = new NodeId("b");

  static Response raw(Request r) throws Exception {
    return await(GcsTesting.redis(gcs).send(r));
  }

  static String type(String key) throws Exception {
    return raw(Request.cmd(Command.TYPE).arg(key)).toString();
  }

  static long ledgered(String kind) throws Exception {
    return await(gcs.ledger().recent(50)).stream().filter(e -> kind.equals(e.getString("kind"))).count();
  }

  @Test
  void corruptCountersAreSetAsideAndTheBatchStillApplies() throws Exception {
    TableWriter w = gcs.writer(A, await(gcs.nodes().register(A, Map.of())));
    raw(Request.cmd(Command.SET).arg(Keys.COUNTS).arg("not a hash"));
    ObjectId obj = ObjectId.of(TASK, 1);
    w.objectCreated(obj, 10, TASK, ObjectRecord.KIND_TASK, A);
    w.taskSubmitted(TASK, new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    w.taskState(TASK, TaskState.RUNNING, A, 0, null);
    await(w.flush());
    assertEquals("string", type(Keys.COUNTS + ":corrupt"), "the unreadable counters are kept aside for a look");
    assertEquals(TaskState.RUNNING, await(gcs.tasks().get(TASK)).state());
    assertEquals("hash", type(Keys.object(obj)));
    assertEquals(Map.of("task.RUNNING", 1L, "objects", 1L, "objectBytes", 10L), await(gcs.counts()), "counting restarts");
  }

  @Test
  void aTaskRowOfAnotherTypeFailsItsOwnWriteAndTheRestOfTheBatchApplies() throws Exception {
    TableWriter w = gcs.writer(A, await(gcs.nodes().register(A, Map.of())));
    raw(Request.cmd(Command.RPUSH).arg(Keys.task(TASK)).arg("x"));
    ObjectId obj = ObjectId.of(TaskId.child(TaskId.driverOf(JOB), 1), 1);
    w.objectCreated(obj, 10, obj.task(), ObjectRecord.KIND_TASK, A);
    w.taskState(TASK, TaskState.RUNNING, A, 0, null);
    await(w.flush());
    assertEquals("list", type(Keys.task(TASK)), "the bad row is left as it is");
    assertEquals("hash", type(Keys.object(obj)), "an unrelated write of the same batch is applied");
    assertEquals(Map.of("objects", 1L, "objectBytes", 10L), await(gcs.counts()));
  }

  @Test
  void anObjectRowOfAnotherTypeIsLostAndLedgeredOnce(Vertx vertx) throws Exception {
    ObjectId obj = ObjectId.of(TASK, 1);
    raw(Request.cmd(Command.SET).arg(Keys.object(obj)).arg("x"));
    Throwable lost = failure(gcs.objects().get(obj));
    assertInstanceOf(ObjectLostException.class, lost);
    assertEquals(ErrorCode.OBJECT_LOST, ((ObjectLostException) lost).code());
    failure(gcs.objects().get(obj));
    GcsTesting.eventually(vertx, Duration.ofSeconds(5), "a row-corrupt entry", () -> gcs.ledger().recent(50)
        .map(l -> l.stream().anyMatch(e -> "row-corrupt".equals(e.getString("kind")) && Keys.object(obj).equals(e.getString("key")))));
    assertEquals(1, ledgered("row-corrupt"));
  }

  @Test
  void aNodeRowOfAnotherTypeIsLeftOutOfTheNodeTable() throws Exception {
    await(gcs.nodes().register(A, Map.of()));
    await(gcs.nodes().register(B, Map.of()));
    raw(Request.cmd(Command.DEL).arg(Keys.node(B)));
    raw(Request.cmd(Command.SET).arg(Keys.node(B)).arg("x"));
    List<NodeRecord> nodes = await(gcs.nodes().all());
    assertEquals(List.of(A), nodes.stream().map(NodeRecord::id).toList());
  }

  /** A holds the lease (its term is returned); B is running TASK. */
  static long leaderAAndBRunningATask() throws Exception {
    long term = await(gcs.lease().acquire(A, await(gcs.nodes().register(A, Map.of())), 10_000));
    TableWriter wb = gcs.writer(B, await(gcs.nodes().register(B, Map.of())));
    wb.taskSubmitted(TASK, new byte[] {1}, JOB, "f", ClientId.ofNode(B));
    wb.taskState(TASK, TaskState.RUNNING, B, 0, null);
    await(wb.flush());
    return term;
  }

  @Test
  void declaringANodeWhoseRowIsOfAnotherTypeMakesItDeadOnce() throws Exception {
    long term = leaderAAndBRunningATask();
    raw(Request.cmd(Command.DEL).arg(Keys.node(B)));
    raw(Request.cmd(Command.SET).arg(Keys.node(B)).arg("x"));
    JsonObject v = await(gcs.deaths().declareDead(A, term, B, "no heartbeat", 1_000));
    assertFalse(v.getBoolean("alreadyDead"));
    assertEquals(List.of(TASK.toString()), v.getJsonArray("lost").getList());
    assertEquals("DEAD", raw(Request.cmd(Command.HGET).arg(Keys.node(B)).arg("state")).toString());
    JsonObject again = await(gcs.deaths().declareDead(A, term, B, "again", 2_000));
    assertTrue(again.getBoolean("alreadyDead"));
  }

  @Test
  void declareDeadWritesNothingWhenARowItMustChangeIsCorrupt() throws Exception {
    long term = leaderAAndBRunningATask();
    raw(Request.cmd(Command.DEL).arg(Keys.COUNTS));
    raw(Request.cmd(Command.SET).arg(Keys.COUNTS).arg("x"));
    Throwable refused = failure(gcs.deaths().declareDead(A, term, B, "no heartbeat", 1_000));
    assertInstanceOf(CorruptRowException.class, refused);
    assertEquals("ALIVE", raw(Request.cmd(Command.HGET).arg(Keys.node(B)).arg("state")).toString());
    assertEquals("RUNNING", raw(Request.cmd(Command.HGET).arg(Keys.task(TASK)).arg("state")).toString());
  }

  @Test
  void anActorRowThatDoesNotDecodeIsADeadActor() throws Exception {
    ActorId actor = ActorId.of(TaskId.child(TaskId.driverOf(JOB), 7));
    raw(Request.cmd(Command.HSET).arg(Keys.actor(actor)).arg("state").arg("ZOMBIE").arg("incarnation").arg("x"));
    Throwable dead = failure(gcs.actors().row(actor));
    assertInstanceOf(ActorDiedException.class, dead);
    assertInstanceOf(ActorDiedException.class, failure(gcs.actors().load(actor, -1)));
    raw(Request.cmd(Command.DEL).arg(Keys.actor(actor)));
    raw(Request.cmd(Command.SET).arg(Keys.actor(actor)).arg("x"));
    assertInstanceOf(ActorDiedException.class, failure(gcs.actors().load(actor, -1)));
    assertNull(await(gcs.actors().row(ActorId.of(TaskId.child(TaskId.driverOf(JOB), 8)))));
  }

  @Test
  void statusCountersOfAnotherTypeAreATypedFailureNotAParseError() throws Exception {
    raw(Request.cmd(Command.HSET).arg(Keys.COUNTS).arg("objects").arg("many"));
    Throwable e = failure(gcs.counts());
    assertTrue(e.getMessage().contains(Keys.COUNTS), e.getMessage());
  }
}
