package io.ember.util;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits a bounded time for a future whose outcome the caller does not need, such as a private
 * Vert.x instance of daemon threads stopping: off an event loop it blocks at most {@code ms};
 * on an event loop it returns at once (never block one). Failures and timeouts are ignored.
 */
public final class BoundedWait {
  private BoundedWait() {}

  public static void atMost(Future<?> f, long ms) {
    if (Context.isOnEventLoopThread()) return;
    try {
      f.toCompletionStage().toCompletableFuture().get(ms, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // the caller does not need the outcome: what it waited for holds nothing it needs
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
