package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.poll;

import io.ember.api.ObjectRef;
import io.ember.ids.NodeId;
import io.ember.testing.LocalCluster;
import java.time.Duration;
import java.util.Arrays;

/**
 * Not a test: a measurement, run by hand for the figures in the closing notes. Prints the time
 * from the acting monitor's death to a new leader, and the wall time of a 999-task DAG on 3 nodes
 * with and without one node killed ({@code kill -9}) halfway; each run starts fresh 3-node
 * {@link LocalCluster}s. Run:
 * {@code mvn -q test-compile exec:exec@failover-measurements -Dbench.args="5"}; args
 * {@code [runs] [takeover]} (default 5; {@code takeover} skips the two DAG timings).
 */
public final class FailoverMeasurements {
  private FailoverMeasurements() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    long[] takeover = new long[runs];
    long[] clean = new long[runs];
    long[] killed = new long[runs];
    boolean jobs = !(args.length > 1 && args[1].equals("takeover"));
    for (int i = 0; i < runs; i++) {
      takeover[i] = leaderTakeover();
      clean[i] = jobs ? job(false) : 0;
      killed[i] = jobs ? job(true) : 0;
      System.out.printf("run %d: takeover %d ms, job %d ms, job with a kill -9 halfway %d ms%n", i + 1, takeover[i], clean[i], killed[i]);
    }
    print("leader death to new leader", takeover);
    print("999-task job, no failure", clean);
    print("999-task job, 1 of 3 nodes killed halfway", killed);
    System.exit(0);
  }

  static void print(String name, long[] ms) {
    long[] s = ms.clone();
    Arrays.sort(s);
    System.out.printf("%-45s median %6d ms  (min %d, max %d, %d runs)%n", name, s[s.length / 2], s[0], s[s.length - 1], s.length);
  }

  static long leaderTakeover() throws Exception {
    try (LocalCluster c = LocalCluster.start(3)) {
      poll("a leader", Duration.ofSeconds(20), () -> leader(c) != null);
      NodeId first = leader(c);
      String name = c.nameOf(first);
      long t0 = System.nanoTime();
      c.kill(name);
      poll("a new leader", Duration.ofSeconds(20), () -> {
        NodeId l = leader(c);
        return l != null && !l.equals(first);
      });
      return (System.nanoTime() - t0) / 1_000_000;
    }
  }

  static NodeId leader(LocalCluster c) {
    try {
      return c.leader();
    } catch (Exception e) {
      return null;
    }
  }

  static long job(boolean kill) throws Exception {
    try (LocalCluster c = LocalCluster.start(3)) {
      // warm the nodes up with a small job first
      FaultToleranceTest.sumOfSquares(c.client(), 100, 1).get(Duration.ofSeconds(60));
      long base = await(c.gcs().counts()).getOrDefault("task.FINISHED", 0L);
      long t0 = System.nanoTime();
      ObjectRef<Long> r = FaultToleranceTest.sumOfSquares(c.client(), 500, 20);
      if (kill) {
        poll("half the job done", Duration.ofSeconds(60), () -> {
          try {
            return await(c.gcs().counts()).getOrDefault("task.FINISHED", 0L) - base >= 500;
          } catch (Exception e) {
            return false;
          }
        });
        c.kill("n1");
      }
      long v = r.get(Duration.ofSeconds(120));
      if (v != FaultToleranceTest.expected(500)) throw new AssertionError("wrong result " + v);
      return (System.nanoTime() - t0) / 1_000_000;
    }
  }
}
