package io.ember.cluster.chaos;

import static io.ember.cluster.chaos.ChaosLog.say;

import io.ember.api.ActorHandle;
import io.ember.client.EmberClient;
import io.ember.cluster.FaultToleranceTest;
import io.ember.cluster.chaos.ChaosReport.Counts;
import io.ember.examples.Counter;
import io.ember.logs.Logs;
import io.ember.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A chaos run: a head ({@code n0}) and 3 workers ({@link LocalCluster} node JVMs, one real
 * redis-server) carry a continuous workload from the driver while {@link Faults} kills
 * ({@code kill -9}) or freezes ({@code SIGSTOP} for 3-8 s) one node at a time, the head (the
 * monitor lease's holder) included, and {@link Members} starts replacements so 4 nodes are live
 * again. The seed repeats the fault choices (the timing, and so the workload's interleaving,
 * does not repeat).
 *
 * <p>The workload: DAG jobs (a sum of squares over a few hundred tasks, a nested Fibonacci, a
 * 1-10 MB byte array through a deterministic mix and a checksum), each checked against the value
 * computed here; counter actors called from the driver, each by one driver thread only, so every
 * result must be the exact running total; and a counter called from tasks through its handle,
 * whose values must never repeat and whose final total must equal the acknowledged increments.
 * Every get has a deadline; a get that fails is classified by its error code and counted, never
 * retried; a wrong value is counted and printed in full. Every job here can complete while any
 * one node is down, so the run passes only if no result was wrong and no get hung.
 *
 * <p>{@code ChaosTest} runs it for 90 s in the suite. The long soak, by hand:
 * {@code mvn -q test-compile exec:exec@chaos-soak -Dbench.args="10 1234" 2>/dev/null}; args
 * {@code [minutes] [seed] [redis]} (default 10 and {@value ChaosSettings#DEFAULT_SEED}; {@code redis}: one
 * fault in five is Redis's own, see {@link RedisFaults}); exit code 0 only on PASS. Node logs stay in the cluster directory printed at the start.
 */
public final class ChaosSoak {
  private final LocalCluster cluster;
  private final EmberClient ember;
  private final ChaosSettings settings;
  private final long startNanos = System.nanoTime();
  private final long stopNanos;
  private volatile boolean stopping;
  private final Workload workload;
  private final Members members;
  private final Faults faults;
  private final LedgerSample ledger;
  private final List<Loop> loops = new ArrayList<>();

  public ChaosSoak(LocalCluster cluster, ChaosSettings settings) {
    this.cluster = cluster;
    this.ember = cluster.client();
    this.settings = settings;
    this.stopNanos = startNanos + (long) (settings.minutes() * 60e9);
    this.workload = new Workload(ember, settings, this::over, new TaskRows(cluster));
    this.members = new Members(cluster);
    this.faults = new Faults(settings, cluster, members);
    this.ledger = new LedgerSample(cluster);
  }

  public static void main(String[] args) {
    Logs.configure(); // as a node logs: one line per event, libraries' notices quiet
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : ChaosSettings.DEFAULT_SEED;
    boolean redisFaults = args.length > 2 && args[2].equals("redis");
    int code;
    Path dir = null;
    try (LocalCluster cluster = LocalCluster.start(Members.SIZE, Members.PRODUCT_TIMING)) {
      dir = cluster.dir();
      say("chaos soak: %.1f min, seed %d%s, cluster dir %s (node logs there)", minutes, seed,
          redisFaults ? ", Redis faults too" : "", dir);
      code = new ChaosSoak(cluster, ChaosSettings.soak(minutes, seed, redisFaults)).run().passed() ? 0 : 1;
    } catch (Throwable t) {
      say("HARNESS FAILURE: %s", t);
      t.printStackTrace(System.out);
      code = 2;
    }
    if (dir != null) removeNodeDataDirs(dir);
    System.exit(code);
  }

  /**
   * The nodes' data dirs hold spill files (about 0.5 GB a minute with this workload: objects are
   * never freed); they say nothing a log does not, so they go. Logs, confs and Redis's files stay.
   */
  public static void removeNodeDataDirs(Path dir) {
    try (Stream<Path> top = Files.list(dir)) {
      for (Path d : top.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().equals("redis")).toList()) {
        try (Stream<Path> all = Files.walk(d)) {
          for (Path f : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
      }
      say("removed the nodes' data dirs (spill files) under %s; logs kept", dir);
    } catch (IOException e) {
      say("could not remove the nodes' data dirs under %s: %s", dir, e);
    }
  }

  /** Runs the workload under faults for the settings' minutes, then checks the ends and prints the summary. */
  public ChaosReport run() throws Exception {
    say("faults every %d-%d s on any node, the head included; gets time out after %s", settings.pauseMinMs() / 1000,
        settings.pauseMaxMs() / 1000, settings.get());
    FaultToleranceTest.sumOfSquares(ember, 50, 1).get(settings.get()); // warm-up, not counted
    startLoops(new Random(settings.seed() + 1));
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger ticks = new AtomicInteger();
    ticker.scheduleAtFixedRate(() -> tick(ticks.incrementAndGet()), 5, 5, TimeUnit.SECONDS);
    try {
      faults.run(this::over);
    } finally {
      stopping = true;
    }
    say("faults stopped; letting the workload finish its last gets");
    long stuck = joinLoops();
    for (Loop l : loops) l.finalCheck();
    ticker.shutdownNow();
    ledger.sample();
    ChaosReport report = report(stuck);
    report.print();
    return report;
  }

  /** The loops' Randoms come from the seed too (not the faults' sequence); the actors pinned to n1 and n3 move when those die. */
  private void startLoops(Random seeds) {
    ActorHandle<Counter> a = ember.actor(Counter::new).onNode("n1").checkpointEvery(50, Duration.ZERO).remote();
    ActorHandle<Counter> b = ember.actor(Counter::new).remote();
    ActorHandle<Counter> c = ember.actor(Counter::new).onNode("n3").checkpointEvery(20, Duration.ZERO).remote();
    loops.add(new SumAndFibLoop(workload, new Random(seeds.nextLong())));
    loops.add(new BigObjectLoop(workload, new Random(seeds.nextLong())));
    loops.add(new DriverCounterLoop("A(onNode n1, ckpt 50)", a, workload, new Random(seeds.nextLong())));
    loops.add(new DriverCounterLoop("B(placed, default ckpt)", b, workload, new Random(seeds.nextLong())));
    loops.add(new TaskCounterLoop("C(onNode n3, ckpt 20)", c, workload, new Random(seeds.nextLong())));
    for (Loop l : loops) l.start();
  }

  /** Every 5 s: a ledger sample (it keeps only 1,000 entries); every 30 s: a progress line. */
  private void tick(int n) {
    try {
      ledger.sample();
      if (n % 6 == 0) {
        say("faults %d %s | jobs %s | actor calls %s | stuck gets %d", faults.total(), faults.kinds, workload.jobs.line(),
            workload.calls.line(), loops.stream().filter(Loop::stuck).count());
      }
    } catch (Exception e) {
      say("progress: %s", e);
    }
  }

  /** Waits for every loop to end; a loop still in a get long past its deadline is counted hung. */
  private long joinLoops() throws InterruptedException {
    long deadline = System.currentTimeMillis() + settings.stuckMs();
    long hung = 0;
    for (Loop l : loops) {
      l.join(Math.max(1, deadline - System.currentTimeMillis()));
      if (l.isAlive()) {
        hung++;
        say("HUNG: %s is still in a get (%s) since %d s", l.getName(), l.doing, (System.currentTimeMillis() - l.busySince) / 1000);
      }
    }
    return hung;
  }

  private ChaosReport report(long stuck) throws Exception {
    Map<String, Integer> recoveries = new TreeMap<>();
    for (String kind : List.of("task-resubmitted", "actor-restored", "actor-output-rebuilt", "actor-replay-diverged")) {
      recoveries.put(kind, ledger.count(kind));
    }
    JobTimes times = workload.times;
    List<JobTimes.FaultWindow> windows = List.copyOf(faults.windows);
    return new ChaosReport(settings.seed(), (System.nanoTime() - startNanos) / 1_000_000_000L, settings.minutes(),
        new TreeMap<>(faults.kinds), faults.missingVerdicts, List.copyOf(faults.frozenExits), members.replacements,
        List.copyOf(members.unplanned), Counts.of(workload.jobs), Counts.of(workload.calls), times.byKind(),
        times.split(windows, true), times.split(windows, false),
        loops.stream().map(l -> l.result).filter(Objects::nonNull).toList(), ledger.leaders(), ledger.count("node-dead"),
        recoveries, stuck, members.endStates(), members.stuck(), workload.harnessErrors.get());
  }

  private boolean over() {
    return stopping || System.nanoTime() > stopNanos;
  }
}
