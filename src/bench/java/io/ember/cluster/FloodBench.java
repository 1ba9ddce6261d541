package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.poll;

import io.ember.api.EmberException;
import io.ember.api.ObjectRef;
import io.ember.examples.Fns;
import io.ember.gcs.GcsTesting;
import io.ember.gcs.Keys;
import io.ember.gcs.NodeRecord;
import io.ember.testing.LocalCluster;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: the flood of issue 11 item 5, run by hand. One driver submits {@code tasks} tiny
 * tasks ({@code Fns.add(i, 1)}) as fast as its submit returns, to {@code nodes} node JVMs
 * ({@code -Xmx1g} each, as every {@link LocalCluster} node), with the driver's in-flight limit
 * ({@code -Dember.client.maxInFlight}, default 10,000) as the only brake. Every result is
 * checked as it arrives (no reference is kept). Prints the wall time, tasks/s, how long submit
 * blocked in all, the most results submitted but not yet checked (the limit counts until the
 * result arrives; checking decodes it after), the node JVMs' peak resident memory
 * ({@code VmHWM}), the monitor's lease changes during the flood ({@code ember:monitor:term}),
 * node deaths, and the node table's states at the end. Exit code 0 only if every result is
 * exact and the lease never changed hands. Run:
 * {@code mvn -q test-compile exec:exec@flood -Dbench.args="1000000 2" 2>/dev/null}; args
 * {@code [tasks] [nodes] [heartbeat.timeoutMs]} (default 1,000,000, 2, 2500: the conf's default).
 */
public final class FloodBench {
  private FloodBench() {}

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int timeoutMs = args.length > 2 ? Integer.parseInt(args[2]) : 2500; // the conf's default (LocalCluster's tests use 1200)
    int code;
    try (LocalCluster c = LocalCluster.start(nodes, conf -> conf.getJsonObject("heartbeat").put("timeoutMs", timeoutMs))) {
      flood(c, 20_000, false); // warm-up: JIT, connections
      long term0 = term(c);
      long deaths0 = deaths(c);
      Result r = flood(c, tasks, true);
      long leaseChanges = term(c) - term0;
      long deaths = deaths(c) - deaths0;
      Map<String, String> states = new ConcurrentHashMap<>();
      for (NodeRecord n : await(c.gcs().nodes().all())) states.put(c.nameOf(n.id()) + "", n.state().name());
      System.out.printf("flood: %,d tasks from one driver to %d nodes (heartbeat.timeoutMs %d) in %.1f s = %,.0f tasks/s%n", tasks, nodes,
          timeoutMs, r.ms / 1000.0, tasks * 1000.0 / r.ms);
      System.out.printf("results: %,d exact, %,d wrong, %,d failed%s%n", r.ok, r.wrong, r.failed,
          r.firstFailure == null ? "" : " (first: " + r.firstFailure + ")");
      System.out.printf("driver: submit blocked %.1f s in all, peak submitted but not yet checked %,d (in-flight limit %s)%n", r.blockedMs / 1000.0, r.peakInFlight,
          System.getProperty("ember.client.maxInFlight", "10000"));
      System.out.printf("driver heap: peak used %,d MB (sampled)%n", r.peakHeapMb);
      for (LocalCluster.NodeProcess p : c.nodes()) System.out.printf("node %s: peak resident %s%n", p.name, vmHwm(p.pid()));
      System.out.printf("monitor lease changes during the flood: %d; node deaths: %d; node states at the end: %s%n", leaseChanges, deaths,
          states);
      code = r.wrong == 0 && r.failed == 0 && leaseChanges == 0 && deaths == 0 ? 0 : 1;
    }
    System.exit(code);
  }

  record Result(long ms, long ok, long wrong, long failed, String firstFailure, long blockedMs, long peakInFlight, long peakHeapMb) {}

  static Result flood(LocalCluster c, int tasks, boolean measure) throws Exception {
    AtomicLong ok = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicLong peak = new AtomicLong();
    List<String> firstFailure = new ArrayList<>(1);
    long blocked = 0;
    long peakHeap = 0;
    Runtime rt = Runtime.getRuntime();
    long t0 = System.nanoTime();
    for (int i = 0; i < tasks; i++) {
      long s = System.nanoTime();
      ObjectRef<Long> ref = c.client().task(Fns::add, (long) i, 1L).remote();
      long took = System.nanoTime() - s;
      if (took > 1_000_000) blocked += took; // over 1 ms: it waited for room
      long expect = i + 1L;
      ref.toFuture().onComplete(ar -> {
        if (ar.failed()) {
          failed.incrementAndGet();
          synchronized (firstFailure) {
            if (firstFailure.isEmpty()) firstFailure.add(ar.cause() instanceof EmberException e ? e.code() + " " + e.getMessage() : "" + ar.cause());
          }
        } else if (ar.result() == expect) {
          ok.incrementAndGet();
        } else {
          wrong.incrementAndGet();
        }
        done.incrementAndGet();
      });
      if ((i & 1023) == 0) {
        long inFlight = i + 1 - done.get();
        if (inFlight > peak.get()) peak.set(inFlight);
        peakHeap = Math.max(peakHeap, (rt.totalMemory() - rt.freeMemory()) >> 20);
      }
      if (measure && i > 0 && i % 100_000 == 0) {
        System.out.printf("  %,d submitted after %.1f s, %,d done%n", i, (System.nanoTime() - t0) / 1e9, done.get());
      }
    }
    poll("every result", Duration.ofMinutes(10), () -> done.get() == tasks);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return new Result(ms, ok.get(), wrong.get(), failed.get(), firstFailure.isEmpty() ? null : firstFailure.get(0), blocked / 1_000_000,
        peak.get(), peakHeap);
  }

  static long term(LocalCluster c) throws Exception {
    Response r = await(GcsTesting.redis(c.gcs()).send(Request.cmd(Command.GET).arg(Keys.TERM)));
    return r == null ? 0 : r.toLong();
  }

  static long deaths(LocalCluster c) throws Exception {
    return await(c.gcs().nodes().all()).stream().filter(n -> n.state().name().equals("DEAD")).count();
  }

  static String vmHwm(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) return line.substring(6).trim();
      }
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "unknown";
  }
}
