package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lineage bound: a finished task's record expires after ember:config lineageTtlMs; a re-run one is kept. */
@ExtendWith(VertxExtension.class)
class LineageTtlTest {

  @Test
  void finishedTasksExpireAndReRunTasksAreKept(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("lineage");
    try (RedisProcess redis = GcsTesting.startRedis(dir, RedisProcess.freePort())) {
      Gcs gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      await(gcs.config().setLineageTtlMs(60_000));
      NodeId n = new NodeId("n1");
      long epoch = await(gcs.nodes().register(n, Map.of("host", "127.0.0.1")));
      TableWriter w = gcs.writer(n, epoch);
      TaskId t = TaskId.child(TaskId.driverOf(JobId.named("ttl")), 1);
      w.taskSubmitted(t, new byte[] {1}, JobId.named("ttl"), "f", ClientId.ofNode(n));
      w.taskState(t, TaskState.RUNNING, n, 0, null);
      await(w.flush());
      assertEquals(-1L, pttl(gcs, t), "a running task's lineage does not expire");
      w.taskState(t, TaskState.FINISHED, n, 0, null);
      await(w.flush());
      long ttl = pttl(gcs, t);
      assertTrue(ttl > 50_000 && ttl <= 60_000, "a finished task's lineage expires: pttl " + ttl);
      w.taskState(t, TaskState.QUEUED, n, 1, null); // claimed for re-execution
      await(w.flush());
      assertEquals(-1L, pttl(gcs, t), "a task being re-run keeps its lineage");
      await(gcs.close());
    }
  }

  static long pttl(Gcs gcs, TaskId t) throws Exception {
    return await(gcs.redisForTests().send(Request.cmd(Command.PTTL).arg(Keys.task(t)))).toLong();
  }
}
