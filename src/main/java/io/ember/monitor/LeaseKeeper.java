package io.ember.monitor;

import io.ember.gcs.LeaseLink;
import io.ember.gcs.MonitorLease;
import io.ember.ids.NodeId;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The monitor's clock: every heartbeat interval it asks for (or renews) the acting monitor's
 * lease, and every {@link Monitor#CHECK_MS} it runs the failure check, each on a thread of its
 * own, the lease over a Redis connection of its own ({@link LeaseLink}). Neither waits for a
 * Vert.x event loop or for the pooled client's queue: a flood of tasks that keeps every loop
 * and the shared connections busy for seconds delays neither (measured with
 * {@code LeaseUnderLoadBench}; see the README's timing rule). What follows from a tick (a
 * takeover's work, declarations, placing waiting actors) is handed to {@link Actions}, which
 * runs it on the monitor's Vert.x context.
 *
 * <p>It warns when a renewal lands later than half the lease's TTL after the previous one
 * (it blames itself, as {@link FailureDetector} does), and keeps the worst gap for the status
 * and the bench. Never: touches the event bus, or blocks an event loop (its blocking calls run
 * on its own threads).
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
  private final long epoch;
  private final Monitor monitor;
  private final MonitorLease lease;
  private final LeaseLink link;
  private final Monitor.Timing timing;
  private final Clock clock;
  private final Actions actions;
  private final ScheduledThreadPoolExecutor threads;
  private final AtomicLong worstGapMs = new AtomicLong();
  private long lastGrantAt = -1;

  LeaseKeeper(NodeId self, long epoch, Monitor monitor, MonitorLease lease, LeaseLink link, Monitor.Timing timing,
      Clock clock, Actions actions) {
    this.self = self;
    this.epoch = epoch;
    this.monitor = monitor;
    this.lease = lease;
    this.link = link;
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
      term = lease.acquire(link, self, epoch, timing.leaseTtlMs());
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

  /** Stops both threads and gives the lease up if this monitor holds it. Blocks: call it off the event loops. */
  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(2, TimeUnit.SECONDS);
      long term = monitor.term();
      if (term > 0) lease.release(link, self, term);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.fine("monitor of " + self + ": lease not released (" + e.getMessage() + "); it expires by itself");
    } finally {
      link.close();
    }
  }
}
