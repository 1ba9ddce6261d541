package io.ember.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class RepeatFilterTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final RepeatFilter filter = new RepeatFilter("Connecting to server ", 10_000, now::get);

  private static LogRecord warning(String message) {
    return new LogRecord(Level.WARNING, message);
  }

  @Test
  void theFirstOfIdenticalMessagesPassesSayingRepeatsAreNotLoggedAndTheRestWithinTheWindowDoNot() {
    LogRecord first = warning("Connecting to server a failed");
    assertTrue(filter.isLoggable(first));
    assertEquals("Connecting to server a failed (the same again within 10 s is not logged)", first.getMessage());
    for (int i = 0; i < 9; i++) {
      now.addAndGet(100);
      assertFalse(filter.isLoggable(warning("Connecting to server a failed")));
    }
    assertTrue(filter.isLoggable(warning("Connecting to server b failed")), "another server is another event");
  }

  @Test
  void afterTheWindowTheMessagePassesAgain() {
    assertTrue(filter.isLoggable(warning("Connecting to server a failed")));
    now.addAndGet(9_999);
    assertFalse(filter.isLoggable(warning("Connecting to server a failed")));
    now.addAndGet(1);
    assertTrue(filter.isLoggable(warning("Connecting to server a failed")));
  }

  @Test
  void otherMessagesAllPass() {
    for (int i = 0; i < 3; i++) assertTrue(filter.isLoggable(warning("Connection reset")));
    LogRecord r = warning("Connection reset");
    filter.isLoggable(r);
    assertEquals("Connection reset", r.getMessage());
  }
}
