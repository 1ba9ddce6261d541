package io.ember.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Deadline failure detection for heartbeating components (after Pekko's
 * {@code DeadlineFailureDetector}): a component is suspected once nothing was heard from it for
 * {@code timeoutMs}. The monitor calls {@link #check()} every few tens of milliseconds; if its
 * own checks run late (the monitor itself was starved: a GC pause, a saturated machine), it
 * blames itself rather than its peers: that check suspects no one, every deadline is pushed
 * back by the lateness, and {@link #lateChecks()} counts it.
 *
 * <p>Threading: {@link #check()}, {@link #expectWithin} and {@link #forget} run on the monitor's
 * own thread (a one-thread worker pool, not an event loop); {@link #heard} is also called from
 * the UDP heartbeat channel's receiving thread, which is why the deadlines sit in a concurrent
 * map. Apart from that map it is not thread-safe: one checking thread only. Time comes from an
 * injected clock.
 */
public final class FailureDetector<K> {
  private final long timeoutMs;
  private final long checkEveryMs;
  private final LongSupplier clock;
  private final Map<K, Long> lastHeard = new ConcurrentHashMap<>();
  private long lastCheck = -1;
  private long lateChecks;

  public FailureDetector(long timeoutMs, long checkEveryMs, LongSupplier clock) {
    if (timeoutMs <= checkEveryMs) throw new IllegalArgumentException("timeout must exceed the check interval");
    this.timeoutMs = timeoutMs;
    this.checkEveryMs = checkEveryMs;
    this.clock = clock;
  }

  /** A heartbeat from {@code key} arrived now. */
  public void heard(K key) {
    lastHeard.put(key, clock.getAsLong());
  }

  /**
   * Starts watching {@code key}, not heard from yet (a node still starting up): it is suspected
   * only if it stays silent for {@code graceMs}. A heartbeat from it replaces the grace.
   */
  public void expectWithin(K key, long graceMs) {
    lastHeard.putIfAbsent(key, clock.getAsLong() + Math.max(0, graceMs - timeoutMs));
  }

  /** Stop watching {@code key} (it was declared dead, or left). */
  public void forget(K key) {
    lastHeard.remove(key);
  }

  public boolean watching(K key) {
    return lastHeard.containsKey(key);
  }

  /** Milliseconds since {@code key} was last heard from, or -1 if it is not watched. */
  public long silenceMs(K key) {
    Long t = lastHeard.get(key);
    return t == null ? -1 : clock.getAsLong() - t;
  }

  /**
   * The components silent past the timeout. Returns nothing when this check itself ran more
   * than half a timeout late: then the silence is ours, not theirs.
   */
  public List<K> check() {
    long now = clock.getAsLong();
    long gap = lastCheck < 0 ? 0 : now - lastCheck;
    lastCheck = now;
    List<K> suspects = new ArrayList<>();
    long lateness = gap - checkEveryMs;
    if (lateness > timeoutMs / 2) {
      lateChecks++;
      for (Map.Entry<K, Long> e : lastHeard.entrySet()) e.setValue(e.getValue() + lateness);
      return suspects;
    }
    for (Map.Entry<K, Long> e : lastHeard.entrySet()) {
      if (now - e.getValue() > timeoutMs) suspects.add(e.getKey());
    }
    return suspects;
  }

  public long lateChecks() {
    return lateChecks;
  }

  public long timeoutMs() {
    return timeoutMs;
  }
}
