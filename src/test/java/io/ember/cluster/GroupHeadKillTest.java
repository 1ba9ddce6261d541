package io.ember.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ObjectRef;
import io.ember.gcs.RedisGroup.Address;
import io.ember.gcs.RedisGroup.Member;
import io.ember.testing.GroupCluster;
import io.ember.testing.LocalCluster;
import io.ember.examples.Fns;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The embedded Redis group's promise: {@code kill -9} of the head's JVM together with its Redis
 * primary leaves a cluster that serves again within seconds, {@code status} keeps working
 * through the sentinels, and the head, restarted, comes back as a replica (no second primary).
 * {@code -Dgroup.runs=N} repeats the whole round on a fresh cluster N times and prints each
 * time (default 1).
 */
class GroupHeadKillTest {

  @Test
  void killingTheHeadWithItsPrimaryLeavesAClusterThatServesAgainAndTheHeadRejoinsAsAReplica() throws Exception {
    int runs = Integer.getInteger("group.runs", 1);
    List<Long> times = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      long ms = oneRound();
      times.add(ms);
      System.out.printf("group head kill, run %d of %d: tasks served again %d ms after kill -9 of the head's JVM and primary%n",
          run, runs, ms);
    }
    System.out.println("group head kill, all runs (ms): " + times);
  }

  private long oneRound() throws Exception {
    try (GroupCluster g = GroupCluster.start()) {
      Member first = g.group.members().get(0);
      LocalCluster.poll("member 0 primary, both replicas synced", Duration.ofSeconds(30),
          () -> g.primary().equals(Optional.of(first.redis())) && g.synced(g.group.members().get(1).redis())
              && g.synced(g.group.members().get(2).redis()));
      assertEquals(30L, sumOfSquares(g, 4, Duration.ofSeconds(30)));

      // kill -9 the head's JVM and its redis-server (the primary) together
      long redisPid = g.pid(first.redis());
      long t0 = System.nanoTime();
      g.cluster.node("head").process.destroyForcibly();
      ProcessHandle.of(redisPid).ifPresent(ProcessHandle::destroyForcibly);
      g.cluster.node("head").process.waitFor(10, TimeUnit.SECONDS);

      // the rest serves again: a small DAG (one started every 100 ms from the kill on) gives its exact result, and
      // the sentinels name a new primary that answers as one (a DAG can finish on the event bus while writes queue)
      AtomicLong dag = new AtomicLong(-1);
      AtomicLong primary = new AtomicLong(-1);
      ScheduledExecutorService pace = Executors.newScheduledThreadPool(2);
      try {
        pace.scheduleAtFixedRate(() -> startDag(g, t0, dag), 0, 100, TimeUnit.MILLISECONDS);
        pace.scheduleAtFixedRate(() -> {
          Optional<Address> p = g.primary();
          if (primary.get() < 0 && p.isPresent() && !p.get().equals(first.redis()) && "master".equals(g.role(p.get()))) {
            primary.set((System.nanoTime() - t0) / 1_000_000);
          }
        }, 0, 50, TimeUnit.MILLISECONDS);
        LocalCluster.poll("an exact DAG and a new primary", Duration.ofSeconds(60), () -> dag.get() >= 0 && primary.get() >= 0);
      } finally {
        pace.shutdownNow();
      }
      long dagMs = dag.get();
      long primaryMs = primary.get();
      long servedMs = Math.max(dagMs, primaryMs);
      System.out.printf("  (first exact DAG %d ms, new primary named and answering %d ms)%n", dagMs, primaryMs);
      assertEquals(385L, sumOfSquares(g, 10, Duration.ofSeconds(30)));

      // status, with a worker's conf, reads the cluster through the sentinels (and shows the head DEAD once declared)
      AtomicInteger tries = new AtomicInteger();
      LocalCluster.poll("status through the sentinels shows the head DEAD", Duration.ofSeconds(60), () -> {
        try {
          LocalCluster.NodeProcess status = g.cluster.launch("status-" + tries.incrementAndGet(),
              List.of("status", "-conf", g.confOf("w1").toString()));
          assertTrue(status.process.waitFor(60, TimeUnit.SECONDS), "status did not finish");
          String out = Files.readString(status.log);
          assertEquals(0, status.process.exitValue(), out);
          return out.contains("ALIVE") && out.contains("DEAD");
        } catch (IOException | InterruptedException e) {
          throw new AssertionError(e);
        }
      });

      // the head, restarted on its data, comes back as a replica of the new primary: one primary in the group
      g.startNode("head");
      LocalCluster.poll("member 0 back as a synced replica", Duration.ofSeconds(60),
          () -> "slave".equals(g.role(first.redis())) && g.synced(first.redis()));
      // one primary in the group once the sentinels are done: after a second failover (below) the first
      // promoted member is a primary until they reach it and convert it to a replica
      LocalCluster.poll("one primary in the group", Duration.ofSeconds(30),
          () -> g.group.members().stream().filter(m -> "master".equals(g.role(m.redis()))).count() == 1);
      // the one primary is the one the sentinels name, not member 0 (not necessarily the first promoted: on a loaded
      // machine a sentinel that has just learned of the promotion can see the new primary as down and fail over once more)
      Address now = g.primary().orElseThrow();
      assertEquals("master", g.role(now));
      assertTrue(!now.equals(first.redis()), "member 0 came back as the primary");
      g.cluster.awaitAlive(3, Duration.ofSeconds(60));
      assertEquals(385L, sumOfSquares(g, 10, Duration.ofSeconds(30)));
      return servedMs;
    }
  }

  /** Starts a 10-square DAG; the first to give its exact result sets {@code served} (ms after {@code t0}). */
  private static void startDag(GroupCluster g, long t0, AtomicLong served) {
    try {
      sumOfSquares(g, 10).toFuture().onSuccess(v -> {
        if (v == 385L) served.compareAndSet(-1, (System.nanoTime() - t0) / 1_000_000);
      });
    } catch (RuntimeException notYet) {
      // refused at submission (Redis failing over, the head's death being handled): the next one will tell
    }
  }

  private static long sumOfSquares(GroupCluster g, int n, Duration timeout) {
    return sumOfSquares(g, n).get(timeout);
  }

  /** 1² + ... + n², one task per square and a chain of additions: a small DAG across the nodes. */
  private static ObjectRef<Long> sumOfSquares(GroupCluster g, int n) {
    var client = g.cluster.client();
    ObjectRef<Long> total = null;
    for (long i = 1; i <= n; i++) {
      ObjectRef<Long> sq = client.task(Fns::square, i).remote();
      total = total == null ? sq : client.task(Fns::add, total, sq).remote();
    }
    return total;
  }
}
