package io.ember.node;

import java.util.ArrayDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Notices when this whole process stood still (SIGSTOP, a long GC pause): a thread of its own
 * ticks every {@code tickMs}; a gap between two ticks much longer than that is a stall, and the
 * stalls of the last while are kept. A node that stalled longer than a heartbeat timeout may have
 * been declared dead meanwhile without hearing it: {@link ResyncRule} asks this before it lets
 * the node resync. Idle is not a stall (a node that writes nothing is still ticking).
 */
public final class StallWatch implements AutoCloseable {
  private static final int KEPT = 64;

  private final long tickNanos;
  private final LongSupplier nanoTime;
  /** (end, length) of the stalls seen, oldest first. */
  private final ArrayDeque<long[]> stalls = new ArrayDeque<>();
  private long lastTick;
  private final ScheduledExecutorService ticker;

  /** Ticks on a daemon thread of its own. */
  public static StallWatch start(long tickMs) {
    return new StallWatch(tickMs, System::nanoTime, true);
  }

  /** For tests: ticks only through {@link #tick()}, on the given clock. */
  static StallWatch manual(long tickMs, LongSupplier nanoTime) {
    return new StallWatch(tickMs, nanoTime, false);
  }

  private StallWatch(long tickMs, LongSupplier nanoTime, boolean thread) {
    this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMs);
    this.nanoTime = nanoTime;
    this.lastTick = nanoTime.getAsLong();
    this.ticker = thread ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ember-stall-watch");
      t.setDaemon(true);
      return t;
    }) : null;
    if (ticker != null) ticker.scheduleAtFixedRate(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
  }

  synchronized void tick() {
    long now = nanoTime.getAsLong();
    long gap = now - lastTick;
    if (gap > 2 * tickNanos) {
      stalls.addLast(new long[] {now, gap});
      if (stalls.size() > KEPT) stalls.removeFirst();
    }
    lastTick = now;
  }

  /** The longest stall (ns) that ended after {@code sinceNanos}, counting the one under way now (no tick for a while). */
  public synchronized long longestSince(long sinceNanos) {
    long longest = nanoTime.getAsLong() - lastTick;
    for (long[] s : stalls) if (s[0] - sinceNanos > 0) longest = Math.max(longest, s[1]);
    return longest;
  }

  @Override
  public void close() {
    if (ticker != null) ticker.shutdownNow();
  }
}
