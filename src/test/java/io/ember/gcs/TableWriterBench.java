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
      if (System.getProperty("bench.noaof") != null) {
        get(gcs.client().send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.CONFIG)
            .arg("SET").arg("appendonly").arg("no")));
      }
      NodeId node = new NodeId("bench");
      TableWriter w = gcs.writer(node, get(gcs.registerNode(node, Map.of())));
      TaskId driver = TaskId.driverOf(JobId.named("bench"));
      run(w, node, driver, 100_000, 0);   // warm-up
      for (int round = 1; round <= 3; round++) {
        double cpu0 = redisCpu(gcs);
        long jvm0 = jvmCpuNanos();
        long t0 = System.nanoTime();
        long enqueued = run(w, node, driver, ops, round);
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = redisCpu(gcs) - cpu0;
        double jvm = (jvmCpuNanos() - jvm0) / 1e9;
        System.out.printf("round %d: %,d taskState ops in %.3f s = %,.0f ops/s (enqueue done after %.3f s;"
            + " redis-server used %.3f CPU s = %,.0f ops per Redis CPU second; this JVM used %.3f CPU s)%n",
            round, ops, s, ops / s, (enqueued - t0) / 1e9, cpu, ops / cpu, jvm);
      }
      System.out.println("counts: " + get(gcs.counts()));
      String stats = get(gcs.client().send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.INFO)
          .arg("commandstats"))).toString();
      stats.lines().filter(l -> l.contains("evalsha")).forEach(l -> System.out.println("redis " + l));
      get(gcs.close());
    } finally {
      get(vertx.close());
      GcsTesting.deleteTree(dir);
    }
  }

  private static long run(TableWriter w, NodeId node, TaskId driver, int ops, int round) throws Exception {
    TaskState[] states = {TaskState.PENDING, TaskState.QUEUED, TaskState.RUNNING, TaskState.FINISHED};
    int tasks = ops / states.length;
    TaskId[] ids = new TaskId[tasks];
    for (int i = 0; i < tasks; i++) ids[i] = TaskId.child(driver, round * 10_000_000L + i);
    for (TaskState s : states) {
      for (int i = 0; i < tasks; i++) w.taskState(ids[i], s, node, 1, null);
    }
    long enqueued = System.nanoTime();
    get(w.flush());
    return enqueued;
  }

  /** CPU seconds (user + sys) that redis-server has used so far: a measure the other load of the box does not skew. */
  private static double redisCpu(Gcs gcs) throws Exception {
    String info = get(gcs.client().send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.INFO)
        .arg("cpu"))).toString();
    return info.lines().filter(l -> l.startsWith("used_cpu_user:") || l.startsWith("used_cpu_sys:"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(':') + 1).trim())).sum();
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
