package io.ember.gcs;

import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Test helpers: a real redis-server in a temp dir, blocking awaits on the test thread, polling
 * with a deadline, and the test-only ways into the GCS (the raw client, which Ember itself never
 * hands out, and writes no component makes). Public so that tests of other packages can reach
 * the GCS the same way.
 */
public final class GcsTesting {
  /** Test only: marks a node DEAD (an admin write, not fenced). A second call changes nothing. */
  private static final Script MARK_DEAD = Script.load("node-mark-dead.lua");

  private GcsTesting() {
  }

  /** The pooled Redis client of {@code gcs}, for commands the tables do not wrap. */
  public static Redis redis(Gcs gcs) {
    return gcs.redisForTests();
  }

  /** Marks {@code id} DEAD with {@code reason}, keeping the first deadAt and reason if it already is. */
  public static Future<Void> markNodeDead(Gcs gcs, NodeId id, String reason) {
    return MARK_DEAD.run(redis(gcs), List.of(Keys.node(id)), System.currentTimeMillis(), reason == null ? "" : reason)
        .mapEmpty();
  }

  /** The nodes holding a copy of {@code id} (empty if the object is unknown). */
  public static Future<Set<NodeId>> locations(Gcs gcs, ObjectId id) {
    return gcs.objects().get(id).map(r -> r == null ? Set.of() : r.locations());
  }

  static RedisProcess startRedis(Path dir, int port) throws IOException {
    return RedisProcess.start(RedisProcess.binary(null), "127.0.0.1", port, dir);
  }

  /** Blocks the test thread (never an event loop) until the future completes; rethrows its failure. */
  public static <T> T await(Future<T> f) throws Exception {
    return await(f, Duration.ofSeconds(20));
  }

  static <T> T await(Future<T> f, Duration max) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) throw ex;
      throw e;
    }
  }

  /** The failure of a future that must fail. */
  static Throwable failure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  /** Polls {@code check} every 20 ms (on Vert.x timers, no sleeping) until it yields true or {@code max} passes. */
  static void eventually(Vertx vertx, Duration max, String what, Supplier<Future<Boolean>> check) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    Promise<Void> done = Promise.promise();
    poll(vertx, deadline, what, check, done);
    try {
      await(done.future(), max.plusSeconds(5));
    } catch (TimeoutException e) {
      throw new AssertionError("not true within " + max + ": " + what);
    }
  }

  private static void poll(Vertx vertx, long deadline, String what, Supplier<Future<Boolean>> check, Promise<Void> done) {
    check.get().onComplete(ar -> {
      if (ar.succeeded() && Boolean.TRUE.equals(ar.result())) {
        done.complete();
      } else if (System.nanoTime() > deadline) {
        done.fail(new AssertionError("not true by the deadline: " + what
            + (ar.failed() ? " (last check failed: " + ar.cause() + ")" : "")));
      } else {
        vertx.setTimer(20, t -> poll(vertx, deadline, what, check, done));
      }
    });
  }

  static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
