package io.ember.monitor;

import io.ember.conf.EmberConf;
import io.ember.gcs.DedicatedLink;
import io.ember.gcs.Gcs;
import io.ember.gcs.MonitorLease;
import io.ember.gcs.RedisProcess;
import io.ember.gcs.TableWriter;
import io.ember.gcs.TaskState;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (the name does not end in Test): how the monitor lease and the node
 * heartbeats keep time on a saturated machine. One JVM, one real redis-server; node A's monitor
 * holds the lease while (1) every event loop is kept busy by 100 ms spins, (2) A's own
 * TableWriter is flooded with task writes (more than Redis can apply), (3) the pooled client is
 * kept full of reads, (4) two plain threads spin. A challenger B (its own connection, no load)
 * takes the lease the moment it expires and gives it straight back; a sampler records how close
 * A's lease came to expiring. Two heartbeat channels record the worst gap between beats.
 *
 * <p>Run alone on the machine: {@code mvn -q test -Dtest=LeaseUnderLoadBench -Dbench.seconds=30} ({@code -Dbench.timeoutMs=1200} tries another
 * heartbeat timeout than the default). It prints one line of figures.
 */
class LeaseUnderLoadBench {
  private static final byte[] KEY = new byte[32]; // both ends share it: only the channels' timing is measured
  private static final NodeId A = new NodeId("bench-a");
  private static final NodeId B = new NodeId("bench-b");

  @Test
  void leaseAndHeartbeatsUnderSaturation() throws Exception {
    long seconds = Long.getLong("bench.seconds", 30);
    Path dir = Files.createTempDirectory("ember-lease-bench");
    Vertx vertx = Vertx.vertx();
    AtomicBoolean running = new AtomicBoolean(true);
    try (RedisProcess redis = RedisProcess.start(RedisProcess.binary(null), "127.0.0.1", RedisProcess.freePort(), dir)) {
      Gcs gcs = Gcs.connect(vertx, "127.0.0.1", redis.port()).toCompletionStage().toCompletableFuture().get();
      long ea = gcs.nodes().register(A, Map.of()).toCompletionStage().toCompletableFuture().get();
      long eb = gcs.nodes().register(B, Map.of()).toCompletionStage().toCompletableFuture().get();
      EmberConf.Heartbeat hb = EmberConf.from("defaults", new JsonObject()).heartbeat(); // the defaults
      long timeoutMs = Long.getLong("bench.timeoutMs", hb.timeoutMs());
      Monitor.Timing timing = new Monitor.Timing(hb.intervalMs(), timeoutMs, hb.componentTimeoutMs());
      TableWriter writer = gcs.writer(A, ea);
      MonitorVerticle monitor = new MonitorVerticle(A, ea, timing, "127.0.0.1", KEY, new ClusterView(), gcs, writer, () -> 0,
          () -> 0L, new VerdictFanout(vertx, VerdictFanout.Check.of(gcs.nodes())), why -> {}, p -> {}, Clock.systemUTC());
      vertx.deployVerticle(monitor, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
          .setWorkerPoolName("ember-monitor").setWorkerPoolSize(1)).toCompletionStage().toCompletableFuture().get();
      waitForLease(gcs, A);

      HeartbeatGaps beats = new HeartbeatGaps(timing.intervalMs());
      List<Thread> load = startLoad(vertx, writer, gcs, running);
      Challenger challenger = new Challenger(gcs, B, eb, timing.leaseTtlMs(), running);
      challenger.start();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) TimeUnit.MILLISECONDS.sleep(200); // the bench's own duration, not a condition
      running.set(false);
      challenger.join();
      for (Thread t : load) t.join();
      beats.close();
      System.out.printf("LEASE BENCH %ds: ttl %d ms, A lost its lease %d times (it held %d terms; the challenger got it %d times), least time left on A's lease %d ms"
          + " (worst renewal gap ~%d ms), worst heartbeat gap %d ms, writer saturated at the end %b%n", seconds, timing.leaseTtlMs(),
          challenger.aTerms.size() - 1, challenger.aTerms.size(), challenger.takes.get(), challenger.leastLeft.get(), timing.leaseTtlMs() - challenger.leastLeft.get(),
          beats.worstGap.get(), writer.saturated());
      vertx.undeploy(vertx.deploymentIDs().iterator().next()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      gcs.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      running.set(false);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static void waitForLease(Gcs gcs, NodeId holder) throws Exception {
    try (DedicatedLink link = gcs.leaseLink(2000)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        MonitorLease.Held h = link.await(gcs.lease().held(link));
        if (h != null && h.value().startsWith(holder.value() + "|")) return;
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }
    throw new AssertionError("the monitor never took the lease");
  }

  /** Spinning event loops, a flooded writer, a full pooled client, two spinning threads. */
  private static List<Thread> startLoad(Vertx vertx, TableWriter writer, Gcs gcs, AtomicBoolean running) {
    VertxInternal vi = (VertxInternal) vertx;
    for (int i = 0; i < 8; i++) spinOn(vi.createEventLoopContext(), running); // round-robin: two per loop
    Context flood = vi.createEventLoopContext();
    TaskId root = TaskId.driverOf(JobId.random());
    AtomicLong seq = new AtomicLong();
    flood.runOnContext(v -> vertx.setPeriodic(1, t -> {
      if (!running.get()) {
        vertx.cancelTimer(t);
        return;
      }
      for (int k = 0; k < 500; k++) {
        writer.taskState(TaskId.child(root, seq.incrementAndGet()), TaskState.QUEUED, A, 0, null);
      }
    }));
    Context reads = vi.createEventLoopContext();
    for (int i = 0; i < 50; i++) reads.runOnContext(v -> readForever(gcs, running));
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Thread t = new Thread(() -> {
        while (running.get()) Thread.onSpinWait();
      }, "bench-spin-" + i);
      t.start();
      spinners.add(t);
    }
    return spinners;
  }

  private static void spinOn(Context ctx, AtomicBoolean running) {
    ctx.runOnContext(v -> {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
      while (System.nanoTime() < until) Thread.onSpinWait();
      if (running.get()) spinOn(ctx, running);
    });
  }

  private static void readForever(Gcs gcs, AtomicBoolean running) {
    gcs.nodes().all().onComplete(ar -> {
      if (running.get()) readForever(gcs, running);
    });
  }

  /** A peer with no load: takes A's lease the moment it has expired, and gives it straight back. */
  private static final class Challenger extends Thread {
    final AtomicLong takes = new AtomicLong();
    final AtomicLong leastLeft = new AtomicLong(Long.MAX_VALUE);
    private final Gcs gcs;
    private final NodeId self;
    private final long epoch;
    private final long ttlMs;
    private final AtomicBoolean running;
    private final Set<String> aTerms = new HashSet<>();

    Challenger(Gcs gcs, NodeId self, long epoch, long ttlMs, AtomicBoolean running) {
      super("bench-challenger");
      this.gcs = gcs;
      this.self = self;
      this.epoch = epoch;
      this.ttlMs = ttlMs;
      this.running = running;
    }

    @Override
    public void run() {
      try (DedicatedLink link = gcs.leaseLink(5000)) {
        while (running.get()) {
          MonitorLease.Held h = link.await(gcs.lease().held(link));
          if (h != null && h.value().startsWith(A.value() + "|")) {
            leastLeft.accumulateAndGet(h.remainingMs(), Math::min);
            aTerms.add(h.value());
          }
          long term = link.await(gcs.lease().acquire(link, self, epoch, ttlMs));
          if (term > 0) {
            takes.incrementAndGet();
            link.await(gcs.lease().release(link, self, term));
          }
          TimeUnit.MILLISECONDS.sleep(5);
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  /** Two heartbeat channels, B hearing A: the worst gap between two beats. */
  private static final class HeartbeatGaps implements AutoCloseable {
    final AtomicLong worstGap = new AtomicLong();
    private final AtomicLong last = new AtomicLong();
    private final HeartbeatChannel sender;
    private final HeartbeatChannel receiver;

    HeartbeatGaps(long intervalMs) throws Exception {
      receiver = new HeartbeatChannel(B, 2, "127.0.0.1", intervalMs, KEY, (node, epoch) -> {
        long now = System.nanoTime();
        long before = last.getAndSet(now);
        if (before != 0) worstGap.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(now - before), Math::max);
      });
      sender = new HeartbeatChannel(A, 1, "127.0.0.1", intervalMs, KEY, (node, epoch) -> {});
      sender.addPeer(B, "127.0.0.1", receiver.port());
    }

    @Override
    public void close() {
      sender.close();
      receiver.close();
    }
  }
}
