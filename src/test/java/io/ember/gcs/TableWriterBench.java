package io.ember.gcs;

import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.scheduler.TaskState;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the hot path, not a test: 500k taskState ops (PENDING, QUEUED, RUNNING,
 * FINISHED for 125k tasks) through one TableWriter into a local redis-server, timed from the
 * first enqueue until flush() completes. Run:
 * {@code mvn -q test-compile exec:java} is not configured, so use
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.ember.gcs.TableWriterBench [ops]}.
 */
public final class TableWriterBench {
  private TableWriterBench() {
  }

  public static void main(String[] args) throws Exception {
    int ops = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    Path dir = Files.createTempDirectory("ember-bench");
    Vertx vertx = Vertx.vertx();
    try (RedisProcess redis = RedisProcess.start(RedisProcess.binary(null), "127.0.0.1", RedisProcess.freePort(), dir)) {
      Gcs gcs = get(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      NodeId node = new NodeId("bench");
      TableWriter w = gcs.writer(node, get(gcs.registerNode(node, Map.of())));
      TaskId driver = TaskId.driverOf(JobId.named("bench"));
      run(w, node, driver, 100_000, 0);   // warm-up
      for (int round = 1; round <= 3; round++) {
        long t0 = System.nanoTime();
        run(w, node, driver, ops, round);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("round %d: %,d taskState ops in %.3f s = %,.0f ops/s%n", round, ops, s, ops / s);
      }
      System.out.println("counts: " + get(gcs.counts()));
      get(gcs.close());
    } finally {
      get(vertx.close());
      GcsTesting.deleteTree(dir);
    }
  }

  private static void run(TableWriter w, NodeId node, TaskId driver, int ops, int round) throws Exception {
    TaskState[] states = {TaskState.PENDING, TaskState.QUEUED, TaskState.RUNNING, TaskState.FINISHED};
    int tasks = ops / states.length;
    TaskId[] ids = new TaskId[tasks];
    for (int i = 0; i < tasks; i++) ids[i] = TaskId.child(driver, round * 10_000_000L + i);
    for (TaskState s : states) {
      for (int i = 0; i < tasks; i++) w.taskState(ids[i], s, node, 1, null);
    }
    get(w.flush());
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
