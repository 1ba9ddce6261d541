package io.ember.gcs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The table writer's bound on calls queued and not yet sent: past {@code maxQueued} it is
 * saturated (intake takes no new work: nothing is ever dropped), and it stays so until fewer than
 * half of that wait, when {@link #room()} completes. Counting is safe from any thread.
 */
final class QueueBound {
  private final int maxQueued;
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentLinkedQueue<Promise<Void>> waiters = new ConcurrentLinkedQueue<>();
  private volatile boolean saturated;

  QueueBound(int maxQueued) {
    this.maxQueued = maxQueued;
  }

  int maxQueued() {
    return maxQueued;
  }

  /** One more call queued; true if that made the writer saturated (the caller logs it once). */
  boolean added() {
    if (queued.incrementAndGet() > maxQueued && !saturated) {
      saturated = true;
      return true;
    }
    return false;
  }

  /** One call left the queue for a batch. */
  void taken() {
    queued.decrementAndGet();
  }

  /** True from the moment more than maxQueued calls wait to be sent until they are fewer than half of it. */
  boolean saturated() {
    return saturated;
  }

  /** Completes once the writer is not saturated: at once if it is not now. */
  Future<Void> room() {
    if (!saturated) return Future.succeededFuture();
    Promise<Void> p = Promise.promise();
    waiters.add(p);
    if (!saturated) wakeWaiters();
    return p.future();
  }

  /** After a drain: true if the writer just stopped being saturated (its waiters are woken). */
  boolean checkRoom() {
    if (saturated && queued.get() < maxQueued / 2 + 1) {
      saturated = false;
      wakeWaiters();
      return true;
    }
    return false;
  }

  /** The queue was emptied (fenced or closed): nothing waits any more. */
  void reset() {
    queued.set(0);
    saturated = false;
    wakeWaiters();
  }

  private void wakeWaiters() {
    Promise<Void> p;
    while ((p = waiters.poll()) != null) p.tryComplete();
  }
}
