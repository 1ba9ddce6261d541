package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.ember.gcs.DedicatedLink;
import io.ember.gcs.Gcs;
import io.ember.gcs.MonitorLease;
import io.ember.gcs.RedisProcess;
import io.ember.ids.NodeId;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lease is kept by the monitor's own threads and connection, whatever the event loops do. */
class LeaseKeeperTest {
  private static final NodeId SELF = new NodeId("keeper");
  // a 600 ms lease, renewed every 100 ms
  private static final Monitor.Timing TIMING = new Monitor.Timing(100, 600, 6_000);

  private Path dir;
  private RedisProcess redis;
  private Vertx vertx;
  private Gcs gcs;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("ember-lease-keeper");
    redis = RedisProcess.start(RedisProcess.binary(null), "127.0.0.1", RedisProcess.freePort(), dir);
    // the loops are blocked on purpose below: no blocked-thread warnings for that
    vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(60_000));
    gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
    redis.stop();
    try (var files = Files.walk(dir)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aMonitorKeepsItsLeaseWhileEveryEventLoopIsBlocked() throws Exception {
    long epoch = await(gcs.nodes().register(SELF, Map.of()));
    MonitorVerticle monitor = new MonitorVerticle(SELF, epoch, TIMING, "127.0.0.1", new byte[32], new ClusterView(), gcs,
        gcs.writer(SELF, epoch), () -> 0, () -> 0L, new VerdictFanout(vertx, VerdictFanout.Check.of(gcs.nodes())), why -> {}, port -> {}, Clock.systemUTC());
    await(vertx.deployVerticle(monitor, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
        .setWorkerPoolName("ember-monitor").setWorkerPoolSize(1)));
    try (DedicatedLink link = gcs.leaseLink(2_000)) {
      String held = awaitLease(link);
      CountDownLatch unblocked = blockEveryLoop(4 * TIMING.leaseTtlMs());
      while (unblocked.getCount() > 0) {
        MonitorLease.Held now = link.await(gcs.lease().held(link));
        assertNotNull(now, "the lease expired while the event loops were blocked");
        assertEquals(held, now.value(), "the lease changed hands while the event loops were blocked");
        unblocked.await(20, TimeUnit.MILLISECONDS);
      }
    }
  }

  private String awaitLease(DedicatedLink link) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      MonitorLease.Held h = link.await(gcs.lease().held(link));
      if (h != null) return h.value();
      TimeUnit.MILLISECONDS.sleep(20); // polling a condition with a deadline
    }
    throw new AssertionError("the monitor never took the lease");
  }

  /** Blocks every event loop of {@code vertx} for {@code ms}; counts down as they come free. */
  private CountDownLatch blockEveryLoop(long ms) {
    List<EventExecutor> loops = new ArrayList<>();
    ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
    CountDownLatch free = new CountDownLatch(loops.size());
    for (EventExecutor loop : loops) {
      loop.execute(() -> {
        try {
          Thread.sleep(ms); // the point of the test: a loop that does not come back for a while
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        free.countDown();
      });
    }
    return free;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
