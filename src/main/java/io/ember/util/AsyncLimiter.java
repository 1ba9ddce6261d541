package io.ember.util;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most {@code permits} asynchronous operations in flight; the rest wait in arrival order and
 * start as earlier ones complete. Safe from any thread, never blocks: a caller that finds a
 * free permit starts its operation itself, a completion starts the next waiting one. Used where
 * a burst (thousands of claims after one verdict) must not flood a shared service.
 */
public final class AsyncLimiter {
  private final int permits;
  private final AtomicInteger active = new AtomicInteger();
  private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

  public AsyncLimiter(int permits) {
    if (permits < 1) throw new IllegalArgumentException("permits must be >= 1, got " + permits);
    this.permits = permits;
  }

  /** Runs {@code operation} once a permit is free; the result completes as the operation does. */
  public <T> Future<T> submit(Supplier<Future<T>> operation) {
    Promise<T> result = Promise.promise();
    waiting.add(() -> {
      Future<T> f;
      try {
        f = operation.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        active.decrementAndGet();
        drain();
        result.handle(ar);
      });
    });
    drain();
    return result.future();
  }

  /** Operations started and not yet complete. */
  public int inFlight() {
    return active.get();
  }

  /** Operations waiting for a permit. */
  public int queued() {
    return waiting.size();
  }

  private void drain() {
    while (!waiting.isEmpty()) {
      int n = active.get();
      if (n >= permits) return;
      if (!active.compareAndSet(n, n + 1)) continue;
      Runnable next = waiting.poll();
      if (next == null) {
        active.decrementAndGet(); // another thread took it; look again in case one arrived meanwhile
        continue;
      }
      next.run();
    }
  }
}
