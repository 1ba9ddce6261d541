package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.poll;

import io.ember.api.ObjectRef;
import io.ember.gcs.SentinelSet;
import io.ember.testing.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Not a test: a measurement for the closing notes and the README. The wall time of a 999-task DAG
 * (500 leaves of 5 ms, a tree of additions) on 3 node JVMs whose Redis is a primary and a replica
 * behind three Sentinels, once with no failure and once with the Redis primary killed (kill -9)
 * when half of the tasks have finished; each run starts a fresh set and cluster. Run:
 * {@code mvn -q test-compile exec:exec@redis-failover-job -Dbench.args="5"} (runs, default 5). The set
 * has one replica, so {@code redis.minReplicaAcks} stays 0 here: with 1, writes would wait for a
 * replica that no longer exists once it is promoted (the embedded group, with two, is measured by
 * {@code GroupHeadKillTest}). A run that fails is reported and the process exits non-zero.
 */
public final class RedisFailoverJobBench {
  private static final int LEAVES = 500;

  private RedisFailoverJobBench() {}

  public static void main(String[] args) {
    try {
      measure(args.length > 0 ? Integer.parseInt(args[0]) : 5);
      System.exit(0);
    } catch (Exception | AssertionError e) {
      System.out.println("FAILED: " + e);
      System.exit(1);   // the driver's clustered Vert.x would keep the JVM alive
    }
  }

  private static void measure(int runs) throws Exception {
    long[] clean = new long[runs];
    long[] killed = new long[runs];
    long[] extra = new long[runs];
    for (int i = 0; i < runs; i++) {
      Path dir = Files.createTempDirectory("ember-failover-job");
      try (SentinelSet set = SentinelSet.start(dir.resolve("redis"));
          LocalCluster c = LocalCluster.startWithSentinels(3, set, conf -> {})) {
        clean[i] = job(c, null);
        killed[i] = job(c, set);
        extra[i] = killed[i] - clean[i];
        System.out.printf("run %d: job %d ms, job with the Redis primary killed -9 halfway %d ms (extra %d ms)%n",
            i + 1, clean[i], killed[i], extra[i]);
      }
    }
    print("999-task job, no failure", clean);
    print("999-task job, Redis primary killed halfway", killed);
    print("extra time of the killed run", extra);
  }

  /** Runs the DAG; with {@code set}, kills its primary once half of the tasks have finished. */
  private static long job(LocalCluster c, SentinelSet set) throws Exception {
    long before = finished(c);
    long t0 = System.nanoTime();
    ObjectRef<Long> result = FaultToleranceTest.sumOfSquares(c.client(), LEAVES, 5);
    if (set != null) {
      poll("half of the tasks finished", Duration.ofSeconds(60), () -> finished(c) - before >= LEAVES);
      set.killPrimary();
    }
    long got = result.get(Duration.ofSeconds(120));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (got != FaultToleranceTest.expected(LEAVES)) throw new AssertionError("wrong result " + got);
    return ms;
  }

  private static long finished(LocalCluster c) {
    try {
      return await(c.gcs().counts()).getOrDefault("task.FINISHED", 0L);
    } catch (Exception e) {
      return -1;
    }
  }

  static void print(String name, long[] ms) {
    long[] s = ms.clone();
    Arrays.sort(s);
    System.out.printf("%-45s median %6d ms  (min %d, max %d, %d runs)%n", name, s[s.length / 2], s[0], s[s.length - 1], s.length);
  }
}
