package io.ember.util;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Deadline-bounded retry: runs an attempt, and while it fails with a retryable error and the
 * next try would still start before the deadline, waits (doubling the pause up to a cap) and
 * runs it again. The last error is the result once the deadline is near or an error is not
 * retryable. Pauses are {@code vertx.timer(..)}: no thread ever sleeps, so it is safe on an
 * event loop. The one home for "try again shortly" in Ember; never write the loop by hand.
 */
public final class Retry {
  private final Vertx vertx;
  private final Clock clock;
  private final long firstDelayMs;
  private final long maxDelayMs;

  private Retry(Vertx vertx, Clock clock, long firstDelayMs, long maxDelayMs) {
    if (firstDelayMs < 1 || maxDelayMs < firstDelayMs) {
      throw new IllegalArgumentException("delays must satisfy 1 <= first <= max, got " + firstDelayMs + " and " + maxDelayMs);
    }
    this.vertx = vertx;
    this.clock = clock;
    this.firstDelayMs = firstDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  /** A fixed pause of {@code delayMs} between tries. */
  public static Retry every(Vertx vertx, Clock clock, long delayMs) {
    return new Retry(vertx, clock, delayMs, delayMs);
  }

  /** Pauses that start at {@code firstDelayMs} and double up to {@code maxDelayMs}. */
  public static Retry backoff(Vertx vertx, Clock clock, long firstDelayMs, long maxDelayMs) {
    return new Retry(vertx, clock, firstDelayMs, maxDelayMs);
  }

  /** Retries every failure until {@code deadline} (epoch ms of this retry's clock). */
  public <T> Future<T> until(long deadline, Supplier<Future<T>> attempt) {
    return until(deadline, err -> true, attempt);
  }

  /** Retries failures that {@code retryable} accepts until {@code deadline} (epoch ms of this retry's clock). */
  public <T> Future<T> until(long deadline, Predicate<Throwable> retryable, Supplier<Future<T>> attempt) {
    return tryOnce(deadline, retryable, attempt, firstDelayMs);
  }

  private <T> Future<T> tryOnce(long deadline, Predicate<Throwable> retryable, Supplier<Future<T>> attempt, long delay) {
    return start(attempt).recover(err -> {
      if (!retryable.test(err) || clock.millis() + delay >= deadline) return Future.failedFuture(err);
      return vertx.timer(delay).compose(v -> tryOnce(deadline, retryable, attempt, Math.min(delay * 2, maxDelayMs)));
    });
  }

  private static <T> Future<T> start(Supplier<Future<T>> attempt) {
    try {
      return attempt.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
