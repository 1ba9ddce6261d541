package io.ember.cluster.chaos;

import static io.ember.cluster.chaos.ChaosLog.say;

import io.ember.testing.LocalCluster;
import java.util.Map;
import java.util.Random;

/**
 * Redis's own faults for a soak ({@link ChaosSettings#redisFaults}): one fault in five, drawn
 * from a Random of its own (so the node faults' draws keep their order), is {@code SIGSTOP} of
 * the cluster's redis-server for 2-6 s, or its {@code kill -9} and, 1-3 s later, a new
 * redis-server on the same port and the same data directory (its append-only file, synced every
 * second: it may come back a little behind). Either is a pause for the cluster: no node may die
 * of it (a death here is counted as unplanned) and every result must still be exact.
 */
final class RedisFaults {
  private final Random rnd;
  private final LocalCluster cluster;

  RedisFaults(long seed, LocalCluster cluster) {
    this.rnd = new Random(seed + 2);
    this.cluster = cluster;
  }

  /** Drawn before every fault. */
  boolean takesThisOne() {
    return rnd.nextInt(5) == 0;
  }

  void inject(Map<String, Integer> kinds) throws Exception {
    boolean kill = rnd.nextBoolean();
    int ms = kill ? 1_000 + rnd.nextInt(2_001) : 2_000 + rnd.nextInt(4_001);
    long pid = cluster.redis().pid();
    if (kill) {
      kinds.merge("kill -9 redis", 1, Integer::sum);
      say("fault: kill -9 redis-server (pid %d), a new one on its data after %d ms", pid, ms);
      cluster.redis().kill();
      Faults.hold(ms); // how long Redis stays down is the fault itself
      cluster.restartRedisOn(cluster.dir().resolve("redis"));
    } else {
      kinds.merge("SIGSTOP redis", 1, Integer::sum);
      say("fault: SIGSTOP redis-server (pid %d) for %d ms", pid, ms);
      new ProcessBuilder("kill", "-STOP", Long.toString(pid)).inheritIO().start().waitFor();
      Faults.hold(ms);
      new ProcessBuilder("kill", "-CONT", Long.toString(pid)).inheritIO().start().waitFor();
    }
  }
}
