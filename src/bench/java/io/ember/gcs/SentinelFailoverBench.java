package io.ember.gcs;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Not a test: how long after {@code kill -9} of the Redis primary Ember's writes flow again, with
 * Redis behind Sentinel (a primary, one replica and three Sentinels, quorum 2,
 * {@code down-after-milliseconds} 1000, see {@link SentinelSet}). Each run starts a fresh set,
 * registers a node, writes through its table writer, kills the primary, and times from the kill
 * to: a Sentinel naming a promoted primary that answers ROLE as master; the first acknowledged
 * write of the writer (enqueued right after the kill); the first answered read of the pooled
 * client (issued right after the kill).
 *
 * <p>Run (redis-server processes: under the shared lock on the project's machines):
 * {@code mvn -q test-compile exec:exec@sentinel-failover -Dbench.args="5"}; arg: runs (default 5).
 */
public final class SentinelFailoverBench {
  private static final JobId JOB = JobId.named("failover-bench");

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.out.println("primary kill -9 -> (ms): promoted | first write acknowledged | first read answered"
        + " (" + Runtime.getRuntime().availableProcessors() + " cores)");
    List<Long> writes = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      for (int run = 1; run <= runs; run++) {
        long[] r = once(vertx);
        writes.add(r[1]);
        System.out.printf("run %d: %5d | %5d | %5d%n", run, r[0], r[1], r[2]);
      }
    } finally {
      vertx.close();
    }
    writes.sort(null);
    System.out.printf("first write after kill -9, %d runs: min %d ms, median %d ms, max %d ms%n", runs, writes.get(0),
        writes.get(writes.size() / 2), writes.get(writes.size() - 1));
    System.exit(0);
  }

  /** One failover: {promoted, first write, first read} in ms after the kill. */
  private static long[] once(Vertx vertx) throws Exception {
    try (SentinelSet set = SentinelSet.start(Files.createTempDirectory("sentinel-bench"))) {
      Gcs gcs = GcsTesting.await(Gcs.connect(vertx, set.endpoint()));
      try {
        NodeId n = new NodeId("bench-node");
        TableWriter w = gcs.writer(n, GcsTesting.await(gcs.nodes().register(n, Map.of())));
        TaskId first = submit(w, 0);
        GcsTesting.await(w.flush());

        SentinelSet.Server old = set.killPrimary();
        long killed = System.nanoTime();
        Future<Long> read = gcs.tasks().get(first).map(row -> System.nanoTime());
        submit(w, 1);
        Future<Long> write = w.flush().map(v -> System.nanoTime());
        set.awaitPromoted(old, Duration.ofSeconds(30));
        long promoted = System.nanoTime();
        long wrote = GcsTesting.await(write, Duration.ofSeconds(30));
        long readAt = GcsTesting.await(read, Duration.ofSeconds(30));
        return new long[] {ms(promoted - killed), ms(wrote - killed), ms(readAt - killed)};
      } finally {
        GcsTesting.await(gcs.close());
      }
    }
  }

  private static TaskId submit(TableWriter w, int i) {
    TaskId t = TaskId.child(TaskId.driverOf(JOB), i);
    w.taskSubmitted(t, new byte[] {1}, JOB, "f", ClientId.ofNode(w.node()));
    return t;
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
