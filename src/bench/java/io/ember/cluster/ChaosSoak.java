package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;

import io.ember.api.ActorHandle;
import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.GetTimeoutException;
import io.ember.api.ObjectRef;
import io.ember.api.TaskFailedException;
import io.ember.bench.BenchFns;
import io.ember.client.EmberClient;
import io.ember.examples.Counter;
import io.ember.examples.Fns;
import io.ember.gcs.NodeRecord;
import io.ember.ids.NodeId;
import io.ember.testing.LocalCluster;
import io.ember.testing.LocalCluster.NodeProcess;
import io.ember.testing.TestFns;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Not a test: a chaos soak, run by hand to check that a change left Ember's fault tolerance as it
 * was. A head ({@code n0}) and 3 workers ({@link LocalCluster} node JVMs, one real redis-server)
 * carry a continuous workload from the driver while workers are killed ({@code kill -9}) or
 * frozen ({@code SIGSTOP} for 3-8 s, then {@code SIGCONT}) every 5-20 s, and replaced when fewer
 * than 3 are alive. The fault choices come from a Random seeded by the second argument, so a seed
 * repeats them (the timing, and so the workload's interleaving, does not repeat).
 *
 * <p>The workload: DAG jobs (a sum of squares over a few hundred tasks, a nested Fibonacci, a
 * 1-10 MB byte array through a deterministic mix and a checksum), each checked against the value
 * computed here; counter actors called from the driver, each by one driver thread only, so every
 * result must be the exact running total; and a counter called from tasks through its handle,
 * whose values must never repeat and whose final total must equal the acknowledged increments.
 * Every get has a deadline; a get that fails is classified by its error code and counted, never
 * retried; a wrong value is counted and printed in full.
 *
 * <p>It must never fault the head: the head is the oldest node and holds the monitor lease, and
 * surviving its death is a later issue. The exit code is 0 only if no result was wrong and no get
 * hung (a {@link GetTimeoutException}, here or inside a task, or a get still blocked a minute
 * after its deadline): every job here can complete while any one worker is down. Run:
 * {@code mvn -q test-compile exec:exec@chaos-soak -Dbench.args="10 1234" 2>/dev/null}; args
 * {@code [minutes] [seed]} (default 10 and {@value #DEFAULT_SEED}). Node logs stay in the
 * cluster directory printed at the start.
 */
public final class ChaosSoak {
  static final long DEFAULT_SEED = 1234;
  static final Duration GET = Duration.ofSeconds(90);
  /** A get still blocked this long after its deadline is hung whatever it later returns. */
  static final long STUCK_MS = GET.toMillis() + 60_000;
  static final String HEAD = "n0";
  static final int WORKERS = 3;

  final LocalCluster cluster;
  final EmberClient ember;
  final long startNanos = System.nanoTime();
  final long stopNanos;
  volatile boolean stopping;
  final Tally jobs = new Tally("DAG job");
  final Tally calls = new Tally("actor call");
  final Map<String, List<Long>> jobMs = new ConcurrentSkipListMap<>();
  final AtomicInteger harnessErrors = new AtomicInteger();
  final List<Loop> loops = new ArrayList<>();
  final Faults faults;
  final LedgerSample ledger = new LedgerSample();

  ChaosSoak(LocalCluster cluster, double minutes, long seed) {
    this.cluster = cluster;
    this.ember = cluster.client();
    this.stopNanos = startNanos + (long) (minutes * 60e9);
    this.faults = new Faults(new Random(seed));
  }

  public static void main(String[] args) {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_SEED;
    int code;
    Path dir = null;
    try (LocalCluster cluster = LocalCluster.start(1 + WORKERS)) {
      dir = cluster.dir();
      say("chaos soak: %.1f min, seed %d, cluster dir %s (node logs there)", minutes, seed, dir);
      say("the head %s (oldest node, acting monitor) is never faulted: surviving the head's death is a later issue", HEAD);
      code = new ChaosSoak(cluster, minutes, seed).run(seed);
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
  static void removeNodeDataDirs(Path dir) {
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

  int run(long seed) throws Exception {
    FaultToleranceTest.sumOfSquares(ember, 50, 1).get(GET); // warm-up, not counted
    ActorHandle<Counter> a = ember.actor(Counter::new).onNode("n1").checkpointEvery(50, Duration.ZERO).remote();
    ActorHandle<Counter> b = ember.actor(Counter::new).remote();
    ActorHandle<Counter> c = ember.actor(Counter::new).onNode("n3").checkpointEvery(20, Duration.ZERO).remote();
    loops.add(new SumAndFibLoop(new Random(seed + 1)));
    loops.add(new BigObjectLoop(new Random(seed + 2)));
    loops.add(new DriverCounterLoop("A(onNode n1, ckpt 50)", a, new Random(seed + 3)));
    loops.add(new DriverCounterLoop("B(placed, default ckpt)", b, new Random(seed + 4)));
    loops.add(new TaskCounterLoop("C(onNode n3, ckpt 20)", c, new Random(seed + 5)));
    for (Loop l : loops) l.start();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger ticks = new AtomicInteger();
    ticker.scheduleAtFixedRate(() -> tick(ticks.incrementAndGet()), 5, 5, TimeUnit.SECONDS);
    try {
      faults.run();
    } finally {
      stopping = true;
    }
    say("faults stopped; letting the workload finish its last gets");
    long hungThreads = joinLoops();
    for (Loop l : loops) l.finalCheck();
    ticker.shutdownNow();
    ledger.sample();
    return summary(hungThreads);
  }

  /** Every 5 s: a ledger sample (it keeps only 1,000 entries); every 30 s: a progress line. */
  void tick(int n) {
    try {
      ledger.sample();
      if (n % 6 == 0) {
        say("faults %d (%s) workers %s | jobs %s | actor calls %s | stuck gets %d", faults.total(), faults.kinds,
            faults.workers, jobs.line(), calls.line(), stuckNow());
      }
    } catch (Exception e) {
      say("progress: %s", e);
    }
  }

  long stuckNow() {
    return loops.stream().filter(Loop::stuck).count();
  }

  /** Waits for every loop to end; a loop still in a get long past its deadline is counted hung. */
  long joinLoops() throws InterruptedException {
    long deadline = System.currentTimeMillis() + STUCK_MS;
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

  int summary(long hungThreads) throws Exception {
    long deaths = 0;
    for (NodeRecord r : await(cluster.gcs().nodes().all())) if (!r.alive()) deaths++;
    long wrong = jobs.wrong.get() + calls.wrong.get();
    long hung = jobs.hung.get() + calls.hung.get() + hungThreads;
    say("==== chaos soak summary ====");
    say("duration             %d s (faults for %.1f min)", elapsedS(), (stopNanos - startNanos) / 60e9);
    say("faults               %d: %s; verdicts missing %d; frozen-node exit codes %s", faults.total(), faults.kinds,
        faults.missingVerdicts, faults.frozenExits);
    say("workers started      %d replacements; unplanned deaths %d %s", faults.replacements, faults.unplanned.size(), faults.unplanned);
    say("DAG jobs             %s", jobs.line());
    for (Map.Entry<String, List<Long>> e : jobMs.entrySet()) say("  %-18s %s", e.getKey(), percentiles(e.getValue()));
    say("  %-18s %s", "all", percentiles(jobMs.values().stream().flatMap(List::stream).toList()));
    say("actor calls          %s", calls.line());
    for (Loop l : loops) if (l.result != null) say("  %s", l.result);
    say("lease changes        %d 'leader' entries in the ledger (the first is the head's initial take) %s",
        ledger.count("leader"), ledger.leaders());
    say("node deaths          %d 'node-dead' entries in the ledger, %d nodes DEAD in the node table", ledger.count("node-dead"), deaths);
    say("recoveries           task-resubmitted %d, actor-restored %d, actor-output-rebuilt %d, actor-replay-diverged %d",
        ledger.count("task-resubmitted"), ledger.count("actor-restored"), ledger.count("actor-output-rebuilt"),
        ledger.count("actor-replay-diverged"));
    say("head                 %s never faulted (surviving the head's death is a later issue)", HEAD);
    say("harness errors       %d", harnessErrors.get());
    say("RESULT: wrong %d, hung %d (GetTimeoutException %d, gets stuck past deadline %d) -> %s", wrong, hung,
        jobs.hung.get() + calls.hung.get(), hungThreads, wrong == 0 && hung == 0 ? "PASS" : "FAIL");
    return wrong == 0 && hung == 0 ? 0 : 1;
  }

  static String percentiles(List<Long> ms) {
    if (ms.isEmpty()) return "no jobs";
    long[] s = ms.stream().mapToLong(Long::longValue).sorted().toArray();
    return String.format("p50 %d ms, max %d ms (%d jobs)", s[s.length / 2], s[s.length - 1], s.length);
  }

  long elapsedS() {
    return (System.nanoTime() - startNanos) / 1_000_000_000L;
  }

  boolean over() {
    return stopping || System.nanoTime() > stopNanos;
  }

  static final long T0 = System.nanoTime();

  static synchronized void say(String format, Object... args) {
    System.out.printf("[%5ds] %s%n", (System.nanoTime() - T0) / 1_000_000_000L, String.format(format, args));
    System.out.flush();
  }

  // ---- results -------------------------------------------------------------------------------

  /** Counts of one kind of result; failures by code; prints the first of each problem in detail. */
  static final class Tally {
    final String what;
    final AtomicLong ok = new AtomicLong();
    final AtomicLong wrong = new AtomicLong();
    final AtomicLong hung = new AtomicLong();
    final Map<String, AtomicLong> failed = new ConcurrentSkipListMap<>();
    final AtomicInteger printed = new AtomicInteger();

    Tally(String what) {
      this.what = what;
    }

    void wrong(String detail) {
      wrong.incrementAndGet();
      say("WRONG %s: %s", what, detail);
    }

    /** A failed get: classified, counted, never retried. A deadline that passed is a hung get. */
    void failed(String which, Throwable t) {
      Throwable e = unwrap(t);
      String kind = kindOf(e);
      if (hung(e)) hung.incrementAndGet();
      else failed.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
      if (printed.incrementAndGet() <= 40) say("%s %s %s: %s", hung(e) ? "HUNG" : "FAILED", what, which, e);
    }

    long failedTotal() {
      return failed.values().stream().mapToLong(AtomicLong::get).sum();
    }

    String line() {
      return String.format("ok %d wrong %d failed %d%s hung %d", ok.get(), wrong.get(), failedTotal(),
          failed.isEmpty() ? "" : " " + failed, hung.get());
    }

    static Throwable unwrap(Throwable t) {
      while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
      return t;
    }

    static String kindOf(Throwable e) {
      if (e instanceof TaskFailedException tf) return "TASK_FAILED(" + tf.remoteType() + ")";
      if (e instanceof EmberException ee) return ee.code().name();
      return e.getClass().getSimpleName();
    }

    /** A deadline passed: in this get, or in a get inside the task (a nested Fibonacci, a task calling an actor). */
    static boolean hung(Throwable e) {
      if (e instanceof GetTimeoutException) return true;
      if (e instanceof TaskFailedException tf) return tf.remoteType() != null && tf.remoteType().endsWith("GetTimeoutException");
      return e instanceof EmberException ee && ee.code() == ErrorCode.TIMEOUT;
    }
  }

  /** The totals a counter may hold as seen by its only caller: one, unless calls failed (each may or may not have applied). */
  static final class PossibleTotals {
    private Set<Long> totals = new TreeSet<>(List.of(0L));

    /** Whether {@code got} is what adding {@code n} can give; either way {@code got} is the total from now on. */
    boolean accept(int n, long got) {
      boolean ok = totals.contains(got - n);
      totals = new TreeSet<>(List.of(got));
      return ok;
    }

    void unsure(int n) {
      Set<Long> more = new TreeSet<>(totals);
      for (long t : totals) more.add(t + n);
      totals = more;
    }

    Set<Long> totals() {
      return totals;
    }

    @Override
    public String toString() {
      return totals.size() <= 8 ? totals.toString() : totals.size() + " values in [" + ((TreeSet<Long>) totals).first() + ", "
          + ((TreeSet<Long>) totals).last() + "]";
    }
  }

  // ---- workload ------------------------------------------------------------------------------

  /** One workload thread: repeats {@link #once} until the soak is over; every get goes through {@link #get}. */
  abstract class Loop extends Thread {
    final Random rnd;
    volatile long busySince;
    volatile String doing = "";
    String result;

    Loop(String name, Random rnd) {
      super(name);
      this.rnd = rnd;
      setDaemon(true);
    }

    abstract void once();

    void finalCheck() {}

    @Override
    public void run() {
      while (!over()) {
        try {
          once();
        } catch (RuntimeException e) {
          harnessErrors.incrementAndGet();
          say("HARNESS ERROR in %s: %s", getName(), e);
          e.printStackTrace(System.out);
        }
      }
    }

    <T> T get(ObjectRef<T> ref, String what) {
      doing = what + " " + ref.id();
      busySince = System.currentTimeMillis();
      try {
        return ref.get(GET);
      } finally {
        busySince = 0;
      }
    }

    boolean stuck() {
      long since = busySince;
      return since != 0 && System.currentTimeMillis() - since > STUCK_MS;
    }

    void pause(int ms) {
      try {
        Thread.sleep(ms); // paces this caller; not a wait for a condition
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** A DAG job: its value checked exactly, its time recorded by kind. */
    void check(String kind, String job, ObjectRef<?> ref, Object expected, long t0) {
      try {
        Object v = get(ref, job);
        if (!expected.equals(v)) {
          jobs.wrong(job + ": got " + v + ", expected " + expected + " (object " + ref.id() + ")");
        } else {
          jobs.ok.incrementAndGet();
          jobMs.computeIfAbsent(kind, k -> Collections.synchronizedList(new ArrayList<>())).add((System.nanoTime() - t0) / 1_000_000);
        }
      } catch (RuntimeException e) {
        jobs.failed(job + " " + ref.id(), e);
      }
    }
  }

  /** A sum of squares over 200-400 slow leaves (2n-1 tasks), or now and then a nested fib(8..11). */
  final class SumAndFibLoop extends Loop {
    SumAndFibLoop(Random rnd) {
      super("dag-loop", rnd);
    }

    @Override
    void once() {
      long t0 = System.nanoTime();
      if (rnd.nextInt(4) == 0) {
        int n = 8 + rnd.nextInt(4);
        check("fib", "fib(" + n + ")", ember.task(Fns::fib, n).remote(), fib(n), t0);
      } else {
        int n = 200 + rnd.nextInt(201);
        int leafMs = 1 + rnd.nextInt(4);
        check("sumOfSquares", "sumOfSquares(" + n + ")", FaultToleranceTest.sumOfSquares(ember, n, leafMs),
            FaultToleranceTest.expected(n), t0);
      }
    }

    static long fib(int n) {
      return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }
  }

  /** 1-10 MB of a seeded pattern, mixed by a second task, checksummed by a third; a third of the time the mixed bytes come back here too. */
  final class BigObjectLoop extends Loop {
    BigObjectLoop(Random rnd) {
      super("big-object-loop", rnd);
    }

    @Override
    void once() {
      long t0 = System.nanoTime();
      int size = (1 + rnd.nextInt(10)) << 20;
      int seed = rnd.nextInt(1_000_000);
      int k = rnd.nextInt(100);
      boolean fetch = rnd.nextInt(3) == 0;
      ObjectRef<byte[]> a = ember.task(Fns::bytes, size, seed).remote();
      ObjectRef<byte[]> b = ember.task(TestFns::mix, a, k).remote();
      ObjectRef<Long> sum = ember.task(Fns::checksum, b).remote();
      byte[] want = TestFns.mix(Fns.bytes(size, seed), k);
      String job = "checksum(mix(bytes(" + size + ", " + seed + "), " + k + "))";
      if (!fetch) {
        check("bigObject", job, sum, Fns.checksum(want), t0);
        return;
      }
      try {
        long got = get(sum, job);
        byte[] bytes = get(b, "mix bytes");
        int at = Arrays.mismatch(bytes, want);
        if (got != Fns.checksum(want)) jobs.wrong(job + ": checksum " + got + ", expected " + Fns.checksum(want));
        else if (at >= 0) jobs.wrong(job + ": fetched bytes differ first at index " + at + " (length " + bytes.length + ")");
        else {
          jobs.ok.incrementAndGet();
          jobMs.computeIfAbsent("bigObject+fetch", x -> Collections.synchronizedList(new ArrayList<>()))
              .add((System.nanoTime() - t0) / 1_000_000);
        }
      } catch (RuntimeException e) {
        jobs.failed(job + " " + sum.id(), e);
      }
    }
  }

  /** The only caller of its counter: batches of 1-20 pipelined increments, each result the exact running total. */
  final class DriverCounterLoop extends Loop {
    final ActorHandle<Counter> counter;
    final PossibleTotals totals = new PossibleTotals();
    long callNo;

    DriverCounterLoop(String name, ActorHandle<Counter> counter, Random rnd) {
      super("counter " + name, rnd);
      this.counter = counter;
    }

    @Override
    void once() {
      int batch = 1 + rnd.nextInt(20);
      int[] ns = new int[batch];
      List<ObjectRef<Long>> refs = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        ns[i] = 1 + rnd.nextInt(9);
        refs.add(counter.task(Counter::incr, ns[i]).remote());
      }
      for (int i = 0; i < batch; i++) {
        callNo++;
        String call = getName() + " call #" + callNo + " incr(" + ns[i] + ")";
        try {
          long v = get(refs.get(i), call);
          String before = totals.toString();
          if (totals.accept(ns[i], v)) calls.ok.incrementAndGet();
          else calls.wrong(call + " of actor " + counter.id() + ": got " + v + ", the total before it was " + before);
        } catch (RuntimeException e) {
          calls.failed(call + " " + refs.get(i).id(), e);
          totals.unsure(ns[i]);
        }
      }
      pause(10 + rnd.nextInt(50));
    }

    @Override
    void finalCheck() {
      try {
        long total = get(counter.task(Counter::get).remote(), getName() + " final get");
        boolean ok = totals.totals().contains(total);
        result = getName() + ": final total " + total + ", acknowledged calls allow " + totals + (ok ? " ok" : " WRONG");
        if (ok) calls.ok.incrementAndGet();
        else calls.wrong(result);
      } catch (RuntimeException e) {
        calls.failed(getName() + " final get", e);
        result = getName() + ": final get failed: " + e;
      }
    }
  }

  /**
   * Tasks call this counter through its handle ({@code Fns.bump}, and now and then
   * {@code TestFns.incrMany}): every value seen must be new, and the final total must equal the
   * acknowledged increments (plus at most those whose task failed).
   */
  final class TaskCounterLoop extends Loop {
    final ActorHandle<Counter> counter;
    final Set<Long> seen = ConcurrentHashMap.newKeySet();
    long acked;
    long unsure;

    TaskCounterLoop(String name, ActorHandle<Counter> counter, Random rnd) {
      super("counter " + name, rnd);
      this.counter = counter;
    }

    @Override
    void once() {
      if (rnd.nextInt(5) == 0) incrMany(5 + rnd.nextInt(20));
      else bumps(1 + rnd.nextInt(8));
      pause(10 + rnd.nextInt(50));
    }

    void bumps(int k) {
      int[] ns = new int[k];
      List<ObjectRef<Long>> refs = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        ns[i] = 1 + rnd.nextInt(9);
        refs.add(ember.task(Fns::bump, counter, ns[i]).remote());
      }
      for (int i = 0; i < k; i++) {
        String call = "task bump(" + ns[i] + ") of actor " + counter.id();
        try {
          long v = get(refs.get(i), call);
          acked += ns[i];
          if (seen.add(v)) calls.ok.incrementAndGet();
          else calls.wrong(call + ": value " + v + " was already seen (an increment applied twice or lost)");
        } catch (RuntimeException e) {
          calls.failed(call + " " + refs.get(i).id(), e);
          unsure += ns[i];
        }
      }
    }

    void incrMany(int m) {
      ObjectRef<ArrayList<Long>> ref = ember.task(TestFns::incrMany, counter, m, 2).remote();
      String call = "task incrMany(" + m + ") of actor " + counter.id();
      try {
        List<Long> vs = get(ref, call);
        acked += m;
        boolean ok = vs.size() == m;
        for (int i = 0; i < vs.size(); i++) ok &= seen.add(vs.get(i)) && (i == 0 || vs.get(i) > vs.get(i - 1));
        if (ok) calls.ok.incrementAndGet();
        else calls.wrong(call + ": values " + vs + " (each must be new and rise)");
      } catch (RuntimeException e) {
        calls.failed(call + " " + ref.id(), e);
        unsure += m;
      }
    }

    @Override
    void finalCheck() {
      try {
        long total = get(counter.task(Counter::get).remote(), getName() + " final get");
        long max = seen.stream().mapToLong(Long::longValue).max().orElse(0);
        boolean ok = total >= acked && total <= acked + unsure && max <= total;
        result = String.format("%s: final total %d, acknowledged %d, unsure (failed tasks) %d, highest value seen %d%s",
            getName(), total, acked, unsure, max, ok ? " ok" : " WRONG");
        if (ok) calls.ok.incrementAndGet();
        else calls.wrong(result);
      } catch (RuntimeException e) {
        calls.failed(getName() + " final get", e);
        result = getName() + ": final get failed: " + e;
      }
    }
  }

  // ---- faults --------------------------------------------------------------------------------

  /**
   * Faults one worker at a time, never the head. Every choice (pause, victim, kind, freeze
   * length) is drawn from the seeded Random in the same order, so a seed repeats the sequence;
   * replacements are named in order too ({@code n4}, {@code n5}, ...).
   */
  final class Faults {
    final Random rnd;
    final List<String> workers = Collections.synchronizedList(new ArrayList<>(List.of("n1", "n2", "n3")));
    final Map<String, Integer> kinds = new ConcurrentSkipListMap<>();
    final List<String> frozenExits = Collections.synchronizedList(new ArrayList<>());
    final List<String> unplanned = Collections.synchronizedList(new ArrayList<>());
    final Set<String> faulted = ConcurrentHashMap.newKeySet();
    int next = 1 + WORKERS;
    int replacements;
    int missingVerdicts;

    Faults(Random rnd) {
      this.rnd = rnd;
    }

    int total() {
      return kinds.values().stream().mapToInt(Integer::intValue).sum();
    }

    void run() throws Exception {
      while (!over()) {
        int pauseMs = 5_000 + rnd.nextInt(15_001);
        long wakeAt = System.nanoTime() + pauseMs * 1_000_000L;
        while (System.nanoTime() < wakeAt && !over()) Thread.sleep(200); // the fault schedule's pace
        if (over()) return;
        checkHead();
        List<String> live = live();
        if (live.isEmpty()) {
          replace();
          continue;
        }
        String pick = live.get(rnd.nextInt(live.size()));
        boolean kill = rnd.nextInt(100) < 70;
        int freezeMs = 3_000 + rnd.nextInt(5_001);
        if (kill) kill(pick);
        else freeze(pick, freezeMs);
        replace();
      }
    }

    void checkHead() throws Exception {
      NodeProcess head = cluster.node(HEAD);
      if (!head.process.isAlive() || !"ALIVE".equals(stateOf(HEAD))) {
        throw new IllegalStateException("the head " + HEAD + " died (never faulted here; out of scope): state "
            + stateOf(HEAD) + ", log " + head.log);
      }
    }

    /** The workers alive now, in start order; a worker that died unfaulted is recorded as unplanned. */
    List<String> live() {
      List<String> out = new ArrayList<>();
      for (String w : new ArrayList<>(workers)) {
        NodeProcess p = cluster.node(w);
        String state = stateOf(w);
        if (p.process.isAlive() && "ALIVE".equals(state)) {
          out.add(w);
        } else if (!p.process.isAlive() || "DEAD".equals(state)) {
          workers.remove(w);
          if (!faulted.contains(w)) {
            String why = w + " (" + (p.process.isAlive() ? "declared " + state : "exit " + p.process.exitValue()) + ", log " + p.log + ")";
            unplanned.add(why);
            say("UNPLANNED death of worker %s", why);
          }
        }
      }
      return out;
    }

    void kill(String w) throws Exception {
      faulted.add(w);
      kinds.merge("kill -9", 1, Integer::sum);
      say("fault: kill -9 %s", w);
      long t0 = System.nanoTime();
      cluster.kill(w);
      if (awaitState(w, "DEAD", 30)) say("  %s declared DEAD after %d ms", w, (System.nanoTime() - t0) / 1_000_000);
      else missing(w);
    }

    void freeze(String w, int ms) throws Exception {
      faulted.add(w);
      kinds.merge("SIGSTOP", 1, Integer::sum);
      say("fault: SIGSTOP %s for %d ms", w, ms);
      cluster.freeze(w);
      Thread.sleep(ms); // the length of the freeze is the fault itself
      boolean dead = "DEAD".equals(stateOf(w));
      cluster.resume(w);
      NodeProcess p = cluster.node(w);
      if (dead && p.process.waitFor(30, TimeUnit.SECONDS)) {
        frozenExits.add(w + ":" + p.process.exitValue());
        say("  %s was declared DEAD while frozen; after SIGCONT it exited with code %d%s", w, p.process.exitValue(),
            p.process.exitValue() == 3 ? " (fenced, as expected)" : " (UNEXPECTED: fenced nodes exit with 3)");
      } else if (dead) {
        frozenExits.add(w + ":still running");
        say("  ODD: %s was declared DEAD but still runs 30 s after SIGCONT; killing it", w);
        cluster.kill(w);
      } else {
        missing(w);
        faulted.remove(w); // it is back: a later death of it would be unplanned
      }
    }

    void missing(String w) {
      missingVerdicts++;
      say("  ODD: no DEAD verdict for %s (state %s)", w, stateOf(w));
    }

    /** Starts workers under new names until 3 are alive; each must run a task pinned to it first. */
    void replace() throws Exception {
      while (live().size() < WORKERS && !over()) {
        String name = "n" + next++;
        say("starting replacement worker %s", name);
        cluster.startNode(name, conf -> {});
        workers.add(name);
        replacements++;
        if (!awaitState(name, "ALIVE", 120) || !reachable(name)) {
          say("  ODD: replacement %s not serving after 120 s (log %s)", name, cluster.node(name).log);
          return;
        }
        say("  %s serving", name);
      }
    }

    boolean reachable(String name) {
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        try {
          ember.task(BenchFns::noop).resource("node:" + name, 0.001).remote().get(Duration.ofSeconds(3));
          return true;
        } catch (RuntimeException notYet) {
          // a send right after a node joins can be dropped: try again until the deadline
        }
      }
      return false;
    }

    boolean awaitState(String name, String state, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        if (state.equals(stateOf(name))) return true;
        Thread.sleep(50);
      }
      return false;
    }

    String stateOf(String name) {
      try {
        return cluster.stateOf(name);
      } catch (Exception e) {
        return null;
      }
    }
  }

  // ---- recovery ledger -----------------------------------------------------------------------

  /** Accumulates the ledger's entries across samples: Redis keeps only the newest 1,000. */
  final class LedgerSample {
    final Map<String, Set<String>> byKind = new ConcurrentHashMap<>();

    void sample() throws Exception {
      for (JsonObject e : await(cluster.gcs().ledger().recent(1000))) {
        byKind.computeIfAbsent(String.valueOf(e.getString("kind")), k -> ConcurrentHashMap.newKeySet()).add(e.encode());
      }
    }

    int count(String kind) {
      return byKind.getOrDefault(kind, Set.of()).size();
    }

    /** term -> leader node name, in term order. */
    Map<Long, String> leaders() throws Exception {
      Map<Long, String> out = new TreeMap<>();
      for (String s : byKind.getOrDefault("leader", Set.of())) {
        JsonObject o = new JsonObject(s);
        String id = o.getString("node");
        String name = cluster.nameOf(new NodeId(id));
        out.put(o.getLong("term"), name == null ? id : name);
      }
      return out;
    }
  }
}
