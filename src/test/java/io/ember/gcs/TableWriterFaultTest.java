package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The writer across a Redis crash: kill -9 mid-stream, restart on the same port and data. */
@ExtendWith(VertxExtension.class)
class TableWriterFaultTest {
  private static final JobId JOB = JobId.named("fault-test");
  private static final TaskId DRIVER = TaskId.driverOf(JOB);
  private static final Duration RECOVERY = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  private int port;
  private RedisProcess redis;
  private Gcs gcs;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    port = RedisProcess.freePort();
    redis = GcsTesting.startRedis(dir, port);
    gcs = await(Gcs.connect(vertx, "127.0.0.1", port));
  }

  @AfterEach
  void stop() throws Exception {
    if (gcs != null) await(gcs.close());
    if (redis != null) redis.kill();
  }

  @Test
  void everyOpLandsExactlyAfterRedisIsKilledMidStreamAndRestarted(Vertx vertx) throws Exception {
    NodeId n = new NodeId("node-crash");
    TableWriter w = gcs.writer(n, await(gcs.nodes().register(n, Map.of())));
    w.heartbeat(1, "{}");
    await(w.flush());

    int tasks = 10_000;
    Thread producer = new Thread(() -> produce(w, n, 0, tasks / 2), "producer-1");
    producer.start();
    producer.join();
    redis.kill();                                   // batches are in flight or queued right now
    produce(w, n, tasks / 2, tasks);                // and more arrive while Redis is down
    assertTrue(w.pending() > 0, "the writer keeps what Redis did not acknowledge");
    redis = GcsTesting.startRedis(dir, port);

    await(w.flush(), RECOVERY);
    assertEquals(0, w.pending());
    assertTrue(w.connected(), "the writer reconnected by itself");
    GcsTest.assertCounts(gcs, Map.of("task.FINISHED", (long) tasks, "task.PENDING", 0L, "task.QUEUED", 0L,
        "task.RUNNING", 0L, "objects", (long) tasks, "objectBytes", 10L * tasks));
    assertEquals(0L, await(gcs.redisForTests().send(Request.cmd(Command.SCARD).arg(Keys.nodeTasks(n)))).toLong());
    assertEquals((long) tasks, await(gcs.redisForTests().send(Request.cmd(Command.SCARD).arg(Keys.nodeObjects(n)))).toLong());
  }

  /** Each task: submitted, queued, running, finished with a 10-byte result on {@code n} (5 ops). */
  private static void produce(TableWriter w, NodeId n, int from, int to) {
    for (int i = from; i < to; i++) {
      TaskId t = TaskId.child(DRIVER, i);
      w.taskSubmitted(t, new byte[] {(byte) i}, JOB, "f", ClientId.ofNode(n));
      w.taskState(t, TaskState.QUEUED, n, 0, null);
      w.taskState(t, TaskState.RUNNING, n, 1, null);
      w.objectCreated(ObjectId.of(t, 0), 10, t, ObjectRecord.KIND_TASK, n);
      w.taskState(t, TaskState.FINISHED, n, 1, null);
    }
  }

  @Test
  void beyondItsBoundTheWriterIsSaturatedAndDropsNothing(Vertx vertx) throws Exception {
    NodeId n = new NodeId("node-bound");
    TableWriter w = gcs.writer(n, await(gcs.nodes().register(n, Map.of())), WriterOptions.DEFAULT.withMaxQueued(100));
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    w.onError(errors::add);
    w.heartbeat(1, "{}");
    await(w.flush());

    redis.kill();
    GcsTesting.eventually(vertx, RECOVERY, "writer notices Redis is gone", () -> Future.succeededFuture(!w.connected()));
    Future<Void> room = null;
    for (int i = 0; i < 150; i++) {
      w.taskSubmitted(TaskId.child(DRIVER, i), new byte[] {1}, JOB, "f", ClientId.ofNode(n));
      if (i == 100) room = w.room();
    }
    assertEquals(150, w.pending(), "every call is kept");
    assertTrue(w.saturated(), "over its bound the writer says so");
    assertFalse(room.isComplete(), "no room until the queue drains");

    redis = GcsTesting.startRedis(dir, port);
    await(room, RECOVERY);
    await(w.flush(), RECOVERY);
    assertFalse(w.saturated());
    GcsTest.assertCounts(gcs, Map.of("task.PENDING", 150L));
    assertTrue(errors.isEmpty(), "nothing dropped, nothing refused: " + errors);
    assertFalse(w.fenced());
  }
}
