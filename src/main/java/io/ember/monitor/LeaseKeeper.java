package io.ember.monitor;

import io.ember.gcs.DedicatedLink;
import io.ember.gcs.MonitorLease;
import io.ember.ids.NodeId;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.function.LongSupplier;

/**
 * The monitor's clock: every heartbeat interval it asks for (or renews) the acting monitor's
 * lease, and every {@link Monitor#CHECK_MS} it runs the failure check, each on a thread of its
 * own, the lease over a Redis connection of its own on a Vert.x instance of its own
 * ({@link DedicatedLink}). Neither waits for one of the node's event loops or for the pooled
 * client's queue: a flood of tasks that keeps every loop and the shared connections busy for
 * seconds delays neither (measured with
 * {@code LeaseUnderLoadBench}; see the README's timing rule). What follows from a tick (a
 * takeover's work, declarations, placing waiting actors) is handed to {@link Actions}, which
 * runs it on the monitor's Vert.x context.
 *
 * <p>It warns when a renewal lands later than half the lease's TTL after the previous one
 * (it blames itself, as {@link FailureDetector} does), and keeps the worst gap for the status
 * and the bench. Never: touches the event bus, or blocks an event loop (its requests are
 * Futures; a renewal's thread waits for its answer, bounded by the lease's TTL, and only
 * there).
 */
final class LeaseKeeper implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LeaseKeeper.class.getName());

  /** What a tick leads to, run elsewhere (on the monitor's context). */
  interface Actions {
    void tookOver(long term);

    void declare(List<Monitor.Declaration> declarations);

    void placeUnplacedActors();
  }

  private final NodeId self;
  private final LongSupplier epoch;
  private final Monitor monitor;
  private final MonitorLease lease;
  private final Supplier<DedicatedLink> opener;
  private final Monitor.Timing timing;
  private final Clock clock;
  private final Actions actions;
  private final ScheduledThreadPoolExecutor threads;
  private final AtomicLong worstGapMs = new AtomicLong();
  private long lastGrantAt = -1;
  // opened by the first renewal, on this keeper's thread: a Vert.x instance is not built on a Vert.x context
  private volatile DedicatedLink link;

  LeaseKeeper(NodeId self, LongSupplier epoch, Monitor monitor, MonitorLease lease, Supplier<DedicatedLink> opener,
      Monitor.Timing timing,
      Clock clock, Actions actions) {
    this.self = self;
    this.epoch = epoch;
    this.monitor = monitor;
    this.lease = lease;
    this.opener = opener;
    this.timing = timing;
    this.clock = clock;
    this.actions = actions;
    // two threads: a renewal that waits on Redis never delays the failure check, nor the reverse
    this.threads = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "ember-monitor-lease");
      t.setDaemon(true);
      t.setPriority(Thread.MAX_PRIORITY);
      return t;
    });
  }

  void start() {
    threads.scheduleAtFixedRate(this::renew, 0, timing.intervalMs(), TimeUnit.MILLISECONDS);
    threads.scheduleAtFixedRate(this::check, Monitor.CHECK_MS, Monitor.CHECK_MS, TimeUnit.MILLISECONDS);
  }

  /** The longest time between two granted renewals so far (ms). */
  long worstGapMs() {
    return worstGapMs.get();
  }

  private void check() {
    try {
      List<Monitor.Declaration> due = monitor.check();
      if (!due.isEmpty()) actions.declare(due);
    } catch (RuntimeException e) {
      LOG.warning("monitor of " + self + ": failure check failed: " + e); // the next tick runs anyway
    }
  }

  private void renew() {
    if (!monitor.shouldAskForLease()) return;
    long asked = clock.millis();
    long term;
    try {
      if (link == null) link = opener.get();
      term = link.await(lease.acquire(link, self, epoch.getAsLong(), timing.leaseTtlMs()));
    } catch (IOException | RuntimeException e) {
      LOG.fine("monitor of " + self + ": lease request failed: " + e.getMessage()); // the lease's expiry decides
      return;
    }
    if (term <= 0) {
      monitor.onLeaseRefused();
      lastGrantAt = -1;
      return;
    }
    noteGap(asked);
    if (monitor.onLeaseGranted(term, asked)) actions.tookOver(term);
    if (monitor.unplacedActorsDue()) actions.placeUnplacedActors();
  }

  private void noteGap(long asked) {
    if (lastGrantAt >= 0) {
      long gap = asked - lastGrantAt;
      worstGapMs.accumulateAndGet(gap, Math::max);
      if (gap > timing.leaseTtlMs() / 2) {
        LOG.warning("monitor of " + self + ": lease renewed " + gap + " ms after the previous renewal (TTL "
            + timing.leaseTtlMs() + " ms); this node is starved, not its peers");
      }
    }
    lastGrantAt = asked;
  }

  /**
   * Stops both threads, gives the lease up if this monitor holds it, and closes the lease's
   * connection and its Vert.x instance. Blocks: call it off the event loops.
   */
  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    DedicatedLink opened = link;
    if (opened == null) return;
    try {
      long term = monitor.term();
      if (term > 0) opened.await(lease.release(opened, self, term));
    } catch (IOException e) {
      LOG.fine("monitor of " + self + ": lease not released (" + e.getMessage() + "); it expires by itself");
    } finally {
      opened.close();
    }
  }
}
