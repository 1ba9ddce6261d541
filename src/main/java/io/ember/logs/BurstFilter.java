package io.ember.logs;

import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Lets one record through per {@code windowMs} (the first of a burst, marked as such) and drops
 * the rest of the burst. For a library logger that reports one event in several differently
 * worded lines (Hazelcast on a member's departure), where {@link RepeatFilter}'s identical-message
 * rule would let every line through. Records of level SEVERE always pass.
 */
final class BurstFilter implements Filter {
  private final long windowMs;
  private final LongSupplier clock;
  private long openedAt = Long.MIN_VALUE;

  BurstFilter(long windowMs, LongSupplier clock) {
    this.windowMs = windowMs;
    this.clock = clock;
  }

  @Override
  public synchronized boolean isLoggable(LogRecord r) {
    if (r.getLevel().intValue() >= Level.SEVERE.intValue()) return true;
    long now = clock.getAsLong();
    if (openedAt != Long.MIN_VALUE && now - openedAt < windowMs) return false;
    openedAt = now;
    r.setThrown(null); // one line: the exception's message is already in Hazelcast's text
    r.setMessage(r.getMessage() + " (more from this logger within " + windowMs / 1000 + " s are not logged)");
    return true;
  }
}
