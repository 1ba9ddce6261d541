package io.ember.logs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class BurstFilterTest {
  @Test
  void oneLinePerWindowWithoutItsStackTraceAndSevereAlwaysPasses() {
    AtomicLong now = new AtomicLong(1_000);
    BurstFilter f = new BurstFilter(10_000, now::get);
    LogRecord first = new LogRecord(Level.WARNING, "Connection closed. Reason: Exception in Connection");
    first.setThrown(new SocketException("Connection reset"));
    assertTrue(f.isLoggable(first));
    assertNull(first.getThrown(), "one line: no stack trace");
    assertTrue(first.getMessage().endsWith("(more from this logger within 10 s are not logged)"), first.getMessage());
    now.addAndGet(500);
    assertFalse(f.isLoggable(new LogRecord(Level.WARNING, "Removing connection to endpoint, Error-Count: 5")));
    assertTrue(f.isLoggable(new LogRecord(Level.SEVERE, "a real error")));
    now.addAndGet(10_000);
    assertTrue(f.isLoggable(new LogRecord(Level.WARNING, "the next member's departure")));
  }
}
