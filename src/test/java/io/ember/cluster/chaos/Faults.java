package io.ember.cluster.chaos;

import static io.ember.cluster.chaos.ChaosLog.say;

import io.ember.cluster.chaos.JobTimes.FaultWindow;
import io.ember.testing.LocalCluster;
import io.ember.testing.LocalCluster.NodeProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Faults one node at a time: the head (the monitor lease's holder) one time in four, else a
 * random other live node; {@code kill -9} 70% of the time, else {@code SIGSTOP} for 3-8 s and
 * {@code SIGCONT}. After each fault it waits for the verdict and starts replacements until 4
 * nodes are live, then pauses. Every fault's five choices (pause, head or not, which other node,
 * kind, freeze length) are drawn from the seeded Random in the same order whatever happens, so a
 * seed repeats the sequence.
 */
final class Faults {
  /** How long after its victim was declared dead, resumed or replaced a fault still counts as under way. */
  static final long WINDOW_TAIL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private final Random rnd;
  private final ChaosSettings settings;
  private final LocalCluster cluster;
  private final Members members;
  private final RedisFaults redis;
  /** "kill -9 head", "SIGSTOP worker", ... -> count. */
  final Map<String, Integer> kinds = new ConcurrentSkipListMap<>();
  final List<String> frozenExits = Collections.synchronizedList(new ArrayList<>());
  final List<FaultWindow> windows = Collections.synchronizedList(new ArrayList<>());
  volatile int missingVerdicts;
  /** Frozen nodes declared dead only after SIGCONT, on a verdict decided on the freeze. */
  volatile int lateVerdicts;
  /** The product's default heartbeat timeout: the nodes run with it ({@link Members#PRODUCT_TIMING}). */
  static final int HEARTBEAT_TIMEOUT_MS = 2_500;
  /** How long after SIGCONT a verdict decided on the freeze may still land. */
  static final int LATE_VERDICT_S = 10;

  /** One fault's choices, drawn all at once. */
  private record Draw(int pauseMs, boolean onHead, int pick, boolean kill, int freezeMs) {
    static Draw next(Random rnd, ChaosSettings s) {
      return new Draw(s.pauseMinMs() + rnd.nextInt(s.pauseMaxMs() - s.pauseMinMs() + 1), rnd.nextInt(4) == 0,
          rnd.nextInt(1_000_000), rnd.nextInt(100) < 70, 3_000 + rnd.nextInt(5_001));
    }
  }

  Faults(ChaosSettings settings, LocalCluster cluster, Members members) {
    this.rnd = new Random(settings.seed());
    this.settings = settings;
    this.cluster = cluster;
    this.members = members;
    this.redis = settings.redisFaults() ? new RedisFaults(settings.seed(), cluster) : null;
  }

  int total() {
    return kinds.values().stream().mapToInt(Integer::intValue).sum();
  }

  void run(BooleanSupplier over) throws Exception {
    while (!over.getAsBoolean()) {
      Draw d = Draw.next(rnd, settings);
      long wakeAt = System.nanoTime() + d.pauseMs() * 1_000_000L;
      while (System.nanoTime() < wakeAt && !over.getAsBoolean()) Thread.sleep(200); // the fault schedule's pace
      if (over.getAsBoolean()) return;
      if (redis != null && redis.takesThisOne()) {
        long t0 = System.nanoTime();
        redis.inject(kinds);
        members.replace(over);
        windows.add(new FaultWindow(t0, System.nanoTime() + WINDOW_TAIL_NANOS));
        continue;
      }
      List<String> live = members.live();
      String head = members.head(live);
      List<String> others = new ArrayList<>(live);
      others.remove(head);
      boolean onHead = d.onHead() || others.isEmpty();
      String victim = onHead ? head : others.get(d.pick() % others.size());
      String target = onHead ? "head" : "worker";
      long t0 = System.nanoTime();
      if (d.kill()) kill(victim, target);
      else freeze(victim, target, d.freezeMs());
      members.replace(over);
      windows.add(new FaultWindow(t0, System.nanoTime() + WINDOW_TAIL_NANOS));
    }
  }

  private void kill(String n, String target) throws Exception {
    members.faulted.add(n);
    kinds.merge("kill -9 " + target, 1, Integer::sum);
    say("fault: kill -9 %s (%s)", n, target);
    long t0 = System.nanoTime();
    cluster.kill(n);
    if (members.awaitState(n, "DEAD", 30)) say("  %s declared DEAD after %d ms", n, (System.nanoTime() - t0) / 1_000_000);
    else missing(n);
  }

  private void freeze(String n, String target, int ms) throws Exception {
    members.faulted.add(n);
    kinds.merge("SIGSTOP " + target, 1, Integer::sum);
    say("fault: SIGSTOP %s (%s) for %d ms", n, target, ms);
    cluster.freeze(n);
    Thread.sleep(ms); // the length of the freeze is the fault itself
    boolean dead = "DEAD".equals(members.stateOf(n));
    cluster.resume(n);
    NodeProcess p = cluster.node(n);
    boolean late = false;
    if (!dead && ms > HEARTBEAT_TIMEOUT_MS) {
      // silent for longer than the timeout: a verdict decided on the freeze may land just after SIGCONT
      long t0 = System.nanoTime();
      dead = members.awaitState(n, "DEAD", LATE_VERDICT_S);
      if (dead) {
        late = true;
        lateVerdicts++;
        say("  %s was declared DEAD %d ms after SIGCONT (silent %d ms, longer than the %d ms timeout)", n,
            (System.nanoTime() - t0) / 1_000_000, ms, HEARTBEAT_TIMEOUT_MS);
      }
    }
    if (dead && p.process.waitFor(30, TimeUnit.SECONDS)) {
      frozenExits.add(n + ":" + p.process.exitValue() + (late ? " (verdict after SIGCONT)" : ""));
      say("  %s was declared DEAD %s; it exited with code %d%s", n, late ? "after SIGCONT" : "while frozen", p.process.exitValue(),
          p.process.exitValue() == 3 ? " (fenced, as expected)" : " (UNEXPECTED: fenced nodes exit with 3)");
    } else if (dead) {
      frozenExits.add(n + ":still running");
      say("  ODD: %s was declared DEAD but still runs 30 s after SIGCONT; killing it", n);
      cluster.kill(n);
    } else {
      missing(n);
      members.faulted.remove(n); // it is back: a later death of it would be unplanned
    }
  }

  /** A fault's own length (a freeze, a time down): not a wait for a condition. */
  static void hold(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }

  private void missing(String n) {
    missingVerdicts++;
    say("  ODD: no DEAD verdict for %s (state %s)", n, members.stateOf(n));
  }
}
