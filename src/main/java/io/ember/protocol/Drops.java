package io.ember.protocol;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Malformed messages dropped on one send-only address (no requester to tell): counted, and
 * logged at most once per {@link #EVERY_MS} ms, one line with the count and the latest reason,
 * so a flood of garbage cannot flood the log. Thread-safe; never throws.
 */
public final class Drops {
  static final long EVERY_MS = 10_000;
  private static final Logger LOG = Logger.getLogger(Drops.class.getName());

  private final String address;
  private final LongSupplier clock;
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong loggedAt = new AtomicLong(Long.MIN_VALUE);

  public Drops(String address) {
    this(address, System::currentTimeMillis);
  }

  Drops(String address, LongSupplier clock) {
    this.address = address;
    this.clock = clock;
  }

  /** Counts one dropped message; returns the line logged for it, or null if it was not its turn. */
  public String drop(String why) {
    long n = count.incrementAndGet();
    long now = clock.getAsLong();
    long last = loggedAt.get();
    if (last != Long.MIN_VALUE && now - last < EVERY_MS) return null;
    if (!loggedAt.compareAndSet(last, now)) return null;
    count.addAndGet(-n);
    String line = "dropped " + n + " malformed message" + (n == 1 ? "" : "s") + " on " + address + " (latest: " + why + ")";
    LOG.warning(line);
    return line;
  }

  public long dropped() {
    return count.get();
  }
}
