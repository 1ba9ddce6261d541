package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outage of Redis is a pause for the writer: a producer that respects the writer's
 * back-pressure ({@link TableWriter#saturated()}, {@link TableWriter#room()}) is held while Redis
 * is frozen (SIGSTOP) or dead (kill -9, then restarted on its data), the queue stays within its
 * bound, and afterwards every write is in Redis, in order, none dropped.
 */
@ExtendWith(VertxExtension.class)
class WriterOutageTest {
  private static final int ENTRIES = 900;          // the ledger keeps 1,000: all of them stay readable
  private static final int MAX_QUEUED = 100;
  private static final int MAX_BATCH_OPS = 10;
  private static final Duration PAUSE = Duration.ofSeconds(5);
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  @TempDir
  Path dir;
  private int port;
  private RedisProcess redis;
  private Gcs gcs;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    port = RedisProcess.freePort();
    redis = GcsTesting.startRedis(dir, port);
    gcs = await(Gcs.connect(vertx, "127.0.0.1", port));
  }

  @AfterEach
  void stop() throws Exception {
    if (redis != null) signal("CONT", redis.pid());
    if (gcs != null) await(gcs.close());
    if (redis != null) redis.kill();
  }

  @Test
  void aFrozenRedisHoldsTheProducerBackAndLosesNoWrite(Vertx vertx) throws Exception {
    Outcome o = runThrough(vertx, () -> signal("STOP", redis.pid()), () -> signal("CONT", redis.pid()));
    o.check();
  }

  @Test
  void aRedisKilledAndRestartedOnItsDataHoldsTheProducerBackAndLosesNoWrite(Vertx vertx) throws Exception {
    Outcome o = runThrough(vertx, () -> redis.kill(), () -> redis = GcsTesting.startRedis(dir, port));
    o.check();
  }

  private Outcome runThrough(Vertx vertx, Step outage, Step recovery) throws Exception {
    NodeId n = new NodeId("node-outage");
    TableWriter w = gcs.writer(n, await(gcs.nodes().register(n, Map.of())),
        WriterOptions.DEFAULT.withMaxQueued(MAX_QUEUED).withMaxBatchOps(MAX_BATCH_OPS));
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    w.onError(errors::add);
    Producer p = new Producer(w);
    Thread t = new Thread(p, "producer");
    t.start();
    GcsTesting.eventually(vertx, RECOVERY, "a third written before the outage", () -> Future.succeededFuture(p.written.get() >= ENTRIES / 3));
    outage.run();
    p.outageBegun.countDown(); // the rest is written into the outage (a fast producer could otherwise finish before it)
    GcsTesting.eventually(vertx, RECOVERY, "the writer says it is saturated", () -> Future.succeededFuture(w.saturated()));
    await(vertx.timer(PAUSE.toMillis()), PAUSE.plusSeconds(5));
    int heldAt = p.written.get();
    boolean stillSaturated = w.saturated();
    recovery.run();
    t.join(RECOVERY.toMillis());
    assertFalse(t.isAlive(), "the producer finished after the outage");
    if (p.failure != null) throw new AssertionError("producer failed", p.failure);
    for (Future<Void> f : p.acks) await(f, RECOVERY);   // every acknowledgement arrives
    await(w.flush(), RECOVERY);
    Response list = await(gcs.redisForTests().send(Request.cmd(Command.LRANGE).arg(Keys.RECOVERIES).arg(0).arg(-1)));
    List<Integer> seqs = new ArrayList<>();
    for (int i = list.size() - 1; i >= 0; i--) seqs.add(new JsonObject(list.get(i).toString()).getInteger("seq"));
    System.out.printf("writer outage: producer held at %d of %d writes for %d s, saturated %d times, most pending %d (bound %d)%n",
        heldAt, ENTRIES, PAUSE.toSeconds(), p.saturations.get(), p.maxPending.get(), MAX_QUEUED);
    return new Outcome(seqs, heldAt, stillSaturated, p, errors, w);
  }

  private record Outcome(List<Integer> seqs, int heldAt, boolean stillSaturated, Producer p, List<Throwable> errors, TableWriter w) {
    void check() {
      assertTrue(stillSaturated, "still saturated at the end of the pause");
      assertTrue(heldAt < ENTRIES, "the producer was held back during the outage (wrote " + heldAt + ")");
      assertTrue(p.saturations.get() > 0, "back-pressure was observed");
      // pending = queued + in flight: the queue stays within its bound (+ the few calls that race the flag on its
      // way up); in flight, at most maxInFlight batches of up to 8 calls per op (coalesced ledger lines)
      int inFlight = WriterOptions.DEFAULT.maxInFlight() * 8 * MAX_BATCH_OPS;
      assertTrue(p.maxPending.get() <= MAX_QUEUED + 10 + inFlight, "bound respected: " + p.maxPending.get());
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < ENTRIES; i++) expected.add(i);
      // a batch re-sent after a lost reply may repeat its entries (documented): in order, each at least once
      List<Integer> distinct = seqs.stream().distinct().toList();
      assertEquals(expected, distinct, "every write present, in order");
      for (int i = 1; i < seqs.size(); i++) assertTrue(seqs.get(i) >= seqs.get(i - 1) - 3 * MAX_BATCH_OPS, "order at " + i);
      assertTrue(errors.isEmpty(), "nothing dropped or refused: " + errors);
      assertFalse(w.fenced());
    }
  }

  /** Writes ENTRIES ledger lines in order, waiting for room whenever the writer is saturated (as intake does). */
  private static final class Producer implements Runnable {
    final TableWriter w;
    final AtomicInteger written = new AtomicInteger();
    final AtomicInteger saturations = new AtomicInteger();
    final AtomicInteger maxPending = new AtomicInteger();
    final List<Future<Void>> acks = new CopyOnWriteArrayList<>();
    final CountDownLatch outageBegun = new CountDownLatch(1);
    volatile Throwable failure;

    Producer(TableWriter w) {
      this.w = w;
    }

    @Override
    public void run() {
      try {
        for (int i = 0; i < ENTRIES; i++) {
          if (i == ENTRIES / 3 && !outageBegun.await(RECOVERY.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the outage never began");
          }
          if (w.saturated()) {
            saturations.incrementAndGet();
            await(w.room(), RECOVERY.plusSeconds(30));
          }
          w.recovery(new JsonObject().put("seq", i));
          maxPending.accumulateAndGet(w.pending(), Math::max);
          written.incrementAndGet();
          if (i % 50 == 49) acks.add(w.flush());
        }
      } catch (Throwable e) {
        failure = e;
      }
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  static void signal(String sig, long pid) throws Exception {
    new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor();
  }
}
