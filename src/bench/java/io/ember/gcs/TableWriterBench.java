package io.ember.gcs;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput of the hot path, not a test. Two modes:
 * <ul>
 *   <li>{@code states [ops]}: taskState ops only (PENDING, QUEUED, RUNNING, FINISHED per task),
 *   enqueued as fast as one thread can, timed until flush() completes.</li>
 *   <li>{@code mix [tasks] [rate] [lag]}: the real per-task pattern of Scheduler and TaskRunner —
 *   taskSubmitted (100 B spec), taskState RUNNING, objectCreated (task), taskState FINISHED — plus
 *   an objectCreated (put) for every 10th task and a heartbeat every 100 ms, enqueued by 2
 *   threads (like worker threads) at a steady total {@code rate} tasks/s (0 = as fast as they
 *   can). {@code lag} spreads a task's ops: a thread submits task i, starts task i-lag and
 *   finishes task i-2*lag in the same step, so with lag &gt; 0 a task's ops are enqueued apart.
 *   Prints tasks/s (first enqueue until flush() completes) and redis-server CPU seconds per 100k
 *   tasks (from INFO cpu: the box is shared, so wall time alone is noisy).</li>
 * </ul>
 * Run: {@code mvn -q test-compile exec:exec@table-writer-bench -Dbench.args="mix 300000 0 0"}
 * (no args: {@code mix 300000 0 0}). JVM options go in {@code -Dbench.jvmArgs="..."}:
 * {@code -Dbench.coalesce=false} runs the writer without coalescing (one script op per call);
 * {@code -Dbench.batch=N} sets maxBatchOps; {@code -Dbench.noaof} turns Redis's AOF off;
 * {@code -Dbench.config=name=value,...} sets Redis options (CONFIG SET).
 */
public final class TableWriterBench {
  private static final int THREADS = 2;
  private static final int SPEC_BYTES = 100;

  private TableWriterBench() {
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "mix";
    Path dir = Files.createTempDirectory("ember-bench");
    Vertx vertx = Vertx.vertx();
    try (RedisProcess redis = RedisProcess.start(RedisProcess.binary(null), "127.0.0.1", RedisProcess.freePort(), dir)) {
      Gcs gcs = get(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      if (System.getProperty("bench.noaof") != null) {
        get(gcs.redisForTests().send(Request.cmd(Command.CONFIG).arg("SET").arg("appendonly").arg("no")));
      }
      for (String kv : System.getProperty("bench.config", "").split(",")) {   // e.g. hash-max-ziplist-value=128
        if (kv.isBlank()) continue;
        String[] p = kv.split("=", 2);
        get(gcs.redisForTests().send(Request.cmd(Command.CONFIG).arg("SET").arg(p[0]).arg(p[1])));
      }
      NodeId node = new NodeId("bench");
      TableWriter w = gcs.writer(node, get(gcs.nodes().register(node, Map.of())), options());
      TaskId driver = TaskId.driverOf(JobId.named("bench"));
      if (mode.equals("states")) {
        states(gcs, w, node, driver, args.length > 1 ? Integer.parseInt(args[1]) : 500_000);
      } else {
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int lag = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        mix(gcs, w, node, driver, tasks, rate, lag);
      }
      System.out.println("counts: " + get(gcs.counts()));
      String stats = get(gcs.redisForTests().send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
      stats.lines().filter(l -> l.startsWith("cmdstat_")).forEach(l -> System.out.println("redis " + l));
      get(gcs.close());
    } finally {
      get(vertx.close());
      GcsTesting.deleteTree(dir);
    }
  }

  private static WriterOptions options() {
    return WriterOptions.DEFAULT.withCoalesce(!"false".equals(System.getProperty("bench.coalesce")))
        .withMaxBatchOps(Integer.getInteger("bench.batch", WriterOptions.DEFAULT.maxBatchOps()));
  }

  // ---- mix ---------------------------------------------------------------------------------

  private static void mix(Gcs gcs, TableWriter w, NodeId node, TaskId driver, int tasks, int rate, int lag)
      throws Exception {
    JobId job = JobId.named("bench");
    System.out.printf("mix: %,d tasks per round, %d threads, rate %s, lag %d%n", tasks, THREADS,
        rate == 0 ? "unlimited" : String.format("%,d tasks/s", rate), lag);
    mixRound(w, node, driver, job, Math.min(tasks, 100_000), rate, lag, 0);   // warm-up
    get(w.flush());
    for (int round = 1; round <= 3; round++) {
      double cpu0 = redisCpu(gcs);
      double children0 = redisChildrenCpu(gcs);
      long jvm0 = jvmCpuNanos();
      long t0 = System.nanoTime();
      long enqueued = mixRound(w, node, driver, job, tasks, rate, lag, round);
      get(w.flush());
      double s = (System.nanoTime() - t0) / 1e9;
      double cpu = redisCpu(gcs) - cpu0;
      double children = redisChildrenCpu(gcs) - children0;
      double jvm = (jvmCpuNanos() - jvm0) / 1e9;
      System.out.printf("round %d: %,d tasks in %.3f s = %,.0f tasks/s (enqueue done after %.3f s);"
          + " redis-server %.3f CPU s = %.3f CPU s per 100k tasks (%.1f us/task, %.0f%% of a core)"
          + " + %.3f CPU s in AOF-rewrite children; this JVM %.3f CPU s%n",
          round, tasks, s, tasks / s, (enqueued - t0) / 1e9, cpu, cpu * 100_000 / tasks, cpu * 1e6 / tasks,
          100 * cpu / s, children, jvm);
    }
  }

  /** Runs one round on THREADS producer threads plus a heartbeat every 100 ms; returns when enqueueing ended. */
  private static long mixRound(TableWriter w, NodeId node, TaskId driver, JobId job, int tasks, int rate, int lag,
                               int round) throws Exception {
    TaskId[] ids = new TaskId[tasks];
    for (int i = 0; i < tasks; i++) ids[i] = TaskId.child(driver, round * 100_000_000L + i);
    byte[] spec = new byte[SPEC_BYTES];
    for (int i = 0; i < spec.length; i++) spec[i] = (byte) ('a' + i % 26);
    Thread[] threads = new Thread[THREADS];
    long start = System.nanoTime();
    for (int t = 0; t < THREADS; t++) {
      int from = (int) ((long) tasks * t / THREADS);
      int to = (int) ((long) tasks * (t + 1) / THREADS);
      threads[t] = new Thread(() -> produce(w, node, job, ids, spec, from, to, rate / (double) THREADS, lag, start),
          "bench-worker-" + t);
      threads[t].start();
    }
    Thread beat = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        w.heartbeat(System.currentTimeMillis(), "{\"cpu\":0.5,\"queued\":12}");
        LockSupport.parkNanos(100_000_000L);
      }
    }, "bench-heartbeat");
    beat.setDaemon(true);
    beat.start();
    for (Thread t : threads) t.join();
    beat.interrupt();
    beat.join();
    return System.nanoTime();
  }

  /** One worker thread: tasks [from, to) at {@code perThreadRate} tasks/s (0 = unpaced). */
  private static void produce(TableWriter w, NodeId node, JobId job, TaskId[] ids, byte[] spec, int from, int to,
                              double perThreadRate, int lag, long start) {
    for (int step = from; step < to + 2 * lag; step++) {
      if (perThreadRate > 0 && (step - from) % 64 == 0) {
        long due = start + (long) ((step - from) * 1e9 / perThreadRate);
        long wait = due - System.nanoTime();
        if (wait > 0) LockSupport.parkNanos(wait);
      }
      if (step < to) submit(w, node, job, ids[step], spec);
      int run = step - lag;
      if (run >= from && run < to) w.taskState(ids[run], TaskState.RUNNING, node, 1, null);
      int end = step - 2 * lag;
      if (end >= from && end < to) finish(w, node, ids[end], end);
    }
  }

  private static void submit(TableWriter w, NodeId node, JobId job, TaskId id, byte[] spec) {
    w.taskSubmitted(id, spec, job, "io.ember.examples.Fns.add", ClientId.ofNode(node));
  }

  private static void finish(TableWriter w, NodeId node, TaskId id, int i) {
    w.objectCreated(ObjectId.of(id, 0), 64, id, ObjectRecord.KIND_TASK, node);
    w.taskState(id, TaskState.FINISHED, node, 1, null);
    if (i % 10 == 0) w.objectCreated(ObjectId.of(id, 1), 1_000, id, ObjectRecord.KIND_PUT, node);
  }

  // ---- states ------------------------------------------------------------------------------

  private static void states(Gcs gcs, TableWriter w, NodeId node, TaskId driver, int ops) throws Exception {
    statesRound(w, node, driver, 100_000, 0);   // warm-up
    for (int round = 1; round <= 3; round++) {
      double cpu0 = redisCpu(gcs);
      long jvm0 = jvmCpuNanos();
      long t0 = System.nanoTime();
      long enqueued = statesRound(w, node, driver, ops, round);
      double s = (System.nanoTime() - t0) / 1e9;
      double cpu = redisCpu(gcs) - cpu0;
      double jvm = (jvmCpuNanos() - jvm0) / 1e9;
      System.out.printf("round %d: %,d taskState ops in %.3f s = %,.0f ops/s (enqueue done after %.3f s;"
          + " redis-server used %.3f CPU s = %,.0f ops per Redis CPU second; this JVM used %.3f CPU s)%n",
          round, ops, s, ops / s, (enqueued - t0) / 1e9, cpu, ops / cpu, jvm);
    }
  }

  private static long statesRound(TableWriter w, NodeId node, TaskId driver, int ops, int round) throws Exception {
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

  // ---- measures ----------------------------------------------------------------------------

  /** CPU seconds (user + sys) that redis-server has used so far: a measure the other load of the box does not skew. */
  private static double redisCpu(Gcs gcs) throws Exception {
    String info = get(gcs.redisForTests().send(Request.cmd(Command.INFO).arg("cpu"))).toString();
    return info.lines().filter(l -> l.startsWith("used_cpu_user:") || l.startsWith("used_cpu_sys:"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(':') + 1).trim())).sum();
  }

  /** CPU seconds of redis-server's finished children (AOF rewrites): work for the box's cores too. */
  private static double redisChildrenCpu(Gcs gcs) throws Exception {
    String info = get(gcs.redisForTests().send(Request.cmd(Command.INFO).arg("cpu"))).toString();
    return info.lines().filter(l -> l.startsWith("used_cpu_user_children:") || l.startsWith("used_cpu_sys_children:"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(':') + 1).trim())).sum();
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
  }
}
