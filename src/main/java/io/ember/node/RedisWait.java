package io.ember.node;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.gcs.Gcs;
import io.ember.gcs.RedisEndpoint;
import io.ember.util.Retry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A starting node's (or the {@code status} command's) wait for Redis. Nodes of one cluster may be started in any order (the README
 * starts a head and its workers back to back), so a worker can ask before the head's embedded
 * Redis answers: a Redis that does not answer is asked again with back-off until
 * {@code startup.waitMs} has passed, with one progress line per failed try. Any other failure
 * ends the wait at once. Never blocks: the pauses are {@link Retry}'s timers.
 */
public final class RedisWait {
  private static final Logger LOG = Logger.getLogger(RedisWait.class.getName());
  static final long FIRST_PAUSE_MS = 100;
  static final long MAX_PAUSE_MS = 2_000;

  private RedisWait() {}

  /** Connects to {@code redis}, trying for up to {@code waitMs}; fails with UNAVAILABLE saying how long it tried. */
  public static Future<Gcs> connect(Vertx vertx, Clock clock, RedisEndpoint redis, long waitMs) {
    long start = clock.millis();
    AtomicInteger attempts = new AtomicInteger();
    return Retry.backoff(vertx, clock, FIRST_PAUSE_MS, MAX_PAUSE_MS)
        .until(start + waitMs, RedisWait::unavailable, () -> {
          int n = attempts.incrementAndGet();
          return Gcs.connect(vertx, redis).onFailure(err -> {
            if (unavailable(err)) LOG.info(progress(redis, n, clock.millis() - start, waitMs) + ": " + rootMessage(err));
          });
        })
        .recover(err -> Future.failedFuture(!unavailable(err) ? err : new EmberException(ErrorCode.UNAVAILABLE,
            "Redis at " + redis.describe() + " did not answer within " + seconds(waitMs) + " s (startup.waitMs; " + attempts.get()
                + " attempts): " + rootMessage(err), err)));
  }

  /** The progress line: {@code waiting for Redis at 127.0.0.1:6390 (attempt 3, 2.1 s of 60 s)}. */
  static String progress(RedisEndpoint redis, int attempt, long waitedMs, long waitMs) {
    return "waiting for Redis at " + redis.describe() + " (attempt " + attempt + ", " + seconds(waitedMs) + " s of " + seconds(waitMs)
        + " s)";
  }

  private static String seconds(long ms) {
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(Locale.ROOT, "%.1f", ms / 1000.0);
  }

  private static boolean unavailable(Throwable err) {
    return err instanceof EmberException e && e.code() == ErrorCode.UNAVAILABLE;
  }

  private static String rootMessage(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return String.valueOf(t.getMessage());
  }
}
