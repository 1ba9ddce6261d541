package io.ember.logs;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Lets the first of identical messages through and drops the same message again within
 * {@code windowMs}; the one let through says so. For a library that logs one line per attempt:
 * Vert.x's clustered event bus logs "Connecting to server X failed" for every message sent to a
 * node that just died (heartbeats every 100 ms), about ten per survivor until the node is known
 * gone, each the same event.
 */
final class RepeatFilter implements Filter {
  private static final int MAX_KEYS = 1_000;

  private final String prefix;
  private final long windowMs;
  private final LongSupplier clock;
  private final Map<String, Long> lastLogged = new LinkedHashMap<>();

  /** Only messages starting with {@code prefix} are filtered; the rest all pass. */
  RepeatFilter(String prefix, long windowMs, LongSupplier clock) {
    this.prefix = prefix;
    this.windowMs = windowMs;
    this.clock = clock;
  }

  @Override
  public synchronized boolean isLoggable(LogRecord r) {
    String m = r.getMessage();
    if (m == null || !m.startsWith(prefix)) return true;
    long now = clock.getAsLong();
    for (Iterator<Long> it = lastLogged.values().iterator(); it.hasNext();) {
      if (now - it.next() >= windowMs) it.remove(); // insertion order = time order: stops at the first recent one
      else break;
    }
    if (lastLogged.containsKey(m)) return false;
    if (lastLogged.size() >= MAX_KEYS) lastLogged.remove(lastLogged.keySet().iterator().next());
    lastLogged.put(m, now);
    r.setMessage(m + " (the same again within " + windowMs / 1000 + " s is not logged)");
    return true;
  }
}
