package io.ember.owner;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.Context;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Admission control for one client: at most {@code max} results outstanding (tasks, actor calls
 * and puts whose answer has not arrived). A new submission at the limit waits for one to settle:
 * on an ordinary thread (a driver's) the caller blocks, up to {@code waitMs}, then gets
 * UNAVAILABLE; on an event loop (the public JSON doors) it never waits: UNAVAILABLE at once, so
 * the sender learns to slow down. Work already admitted is never refused, and re-runs of work
 * already owned do not pass here. Unlimited until {@link #limit} is called.
 *
 * <p>Never blocks an event loop; {@link #settled} is cheap when nobody waits.
 */
public final class InFlightGate {
  private final IntSupplier inFlight;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition settledOne = lock.newCondition();
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile int max = Integer.MAX_VALUE;
  private volatile long waitMs;

  InFlightGate(IntSupplier inFlight) {
    this.inFlight = inFlight;
  }

  /** At most {@code max} outstanding; a submission waits up to {@code waitMs} for room. */
  public void limit(int max, long waitMs) {
    if (max < 1) throw new IllegalArgumentException("an in-flight limit is >= 1, got " + max);
    this.max = max;
    this.waitMs = waitMs;
  }

  public int max() {
    return max;
  }

  /** Returns once a new submission may go; throws UNAVAILABLE if there was no room in time (or none at once on an event loop). */
  public void admit() {
    if (inFlight.getAsInt() < max) return;
    if (Context.isOnEventLoopThread()) throw full(" (a sender on an event loop is never kept waiting)");
    waiting.incrementAndGet();
    lock.lock();
    try {
      long left = TimeUnit.MILLISECONDS.toNanos(waitMs);
      while (inFlight.getAsInt() >= max) {
        if (left <= 0) throw full(" for " + waitMs + " ms");
        left = settledOne.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw full(" (interrupted while waiting)");
    } finally {
      lock.unlock();
      waiting.decrementAndGet();
    }
  }

  /** One outstanding result settled (arrived or failed): a waiting submission may go. */
  void settled() {
    if (waiting.get() == 0) return;
    lock.lock();
    try {
      settledOne.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private EmberException full(String how) {
    return new EmberException(ErrorCode.UNAVAILABLE, "this client has " + inFlight.getAsInt() + " tasks, actor calls and puts in flight, its limit ("
        + max + ", scheduler.maxInFlight / ember.client.maxInFlight) was reached and none finished" + how + "; submit more slowly");
  }
}
