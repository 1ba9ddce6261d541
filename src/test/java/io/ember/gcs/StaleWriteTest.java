package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two nodes write one task's row through their own batches: the forwarder's QUEUED-at-target can
 * land after the target's FINISHED. A task's (attempt, state) never moves backwards.
 */
@ExtendWith(VertxExtension.class)
class StaleWriteTest {

  @Test
  void aLateWriteFromAnotherNodeDoesNotUndoAFinishedTask(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("stale");
    try (RedisProcess redis = GcsTesting.startRedis(dir, RedisProcess.freePort())) {
      Gcs gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      NodeId a = new NodeId("a");
      NodeId b = new NodeId("b");
      TableWriter wa = gcs.writer(a, await(gcs.nodes().register(a, Map.of("host", "h"))));
      TableWriter wb = gcs.writer(b, await(gcs.nodes().register(b, Map.of("host", "h"))));
      TaskId t = TaskId.child(TaskId.driverOf(JobId.named("stale")), 1);
      wa.taskSubmitted(t, new byte[] {7}, JobId.named("stale"), "f", ClientId.ofNode(a));
      await(wa.flush());
      wb.taskState(t, TaskState.RUNNING, b, 0, null);
      wb.taskState(t, TaskState.FINISHED, b, 0, null);
      await(wb.flush());
      wa.taskState(t, TaskState.QUEUED, b, 0, null); // the forwarder's record, late
      await(wa.flush());
      TaskRecord rec = await(gcs.tasks().get(t));
      assertEquals(TaskState.FINISHED, rec.state());
      Map<String, Long> counts = await(gcs.counts());
      assertEquals(1L, counts.getOrDefault("task.FINISHED", 0L));
      assertEquals(0L, counts.getOrDefault("task.QUEUED", 0L));
      // a later attempt does move it (a re-execution claimed after a loss)
      wa.taskState(t, TaskState.QUEUED, a, 1, null);
      await(wa.flush());
      assertEquals(TaskState.QUEUED, await(gcs.tasks().get(t)).state());
      await(gcs.close());
    }
  }
}
