package io.ember.actor;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Decides whether this node may run actor calls now: yes if Redis applied one of its writes
 * less than half a heartbeat timeout ago, or applies a probe now. A node frozen for longer (and
 * so perhaps declared dead, its actors recreated elsewhere) runs no call before that check, and
 * a refused probe (FENCED) means never again. Blocks while it probes: actor threads only, never
 * an event loop. Never decides on its own that the node is dead: the writer fences it.
 */
public final class ZombieGuard {
  private final LongSupplier lastAppliedNanos;
  private final Supplier<Future<Void>> probe;
  private final BooleanSupplier fenced;
  private final int heartbeatTimeoutMs;
  private final LongSupplier nanoTime;
  private final long leaseNanos;

  /**
   * @param lastAppliedNanos when Redis last applied one of this node's writes ({@code nanoTime} scale)
   * @param probe            a write Redis applies only while this node's epoch is current
   * @param fenced           true once this node knows it was declared dead
   * @param nanoTime         the monotonic clock ({@code System::nanoTime}; a fake one in tests)
   */
  public ZombieGuard(LongSupplier lastAppliedNanos, Supplier<Future<Void>> probe, BooleanSupplier fenced,
      int heartbeatTimeoutMs, LongSupplier nanoTime) {
    this.lastAppliedNanos = lastAppliedNanos;
    this.probe = probe;
    this.fenced = fenced;
    this.heartbeatTimeoutMs = heartbeatTimeoutMs;
    this.nanoTime = nanoTime;
    this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(50, heartbeatTimeoutMs / 2));
  }

  /** True if this node may run calls now (see the class comment); probes for up to four heartbeat timeouts. */
  public boolean holdsLease() {
    if (nanoTime.getAsLong() - lastAppliedNanos.getAsLong() < leaseNanos) return true;
    long deadline = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(heartbeatTimeoutMs * 4L);
    while (!fenced.getAsBoolean() && nanoTime.getAsLong() < deadline) {
      try {
        probe.get().toCompletionStage().toCompletableFuture().get(heartbeatTimeoutMs, TimeUnit.MILLISECONDS);
        return true;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof EmberException ee && ee.code() == ErrorCode.FENCED) return false;
      } catch (TimeoutException e) {
        // Redis slow or away: try again until the deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
