package io.ember.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogLineTest {
  private static LogRecord record(Level level, String logger, String message, Throwable t) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName(logger);
    r.setThrown(t);
    return r;
  }

  @Test
  void anEventIsOneLineOfTimeLevelShortLoggerNameAndMessage() {
    String line = new LogLine().format(record(Level.INFO, "io.ember.monitor.Monitor", "monitor of n1 is the acting monitor", null));
    assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO Monitor: monitor of n1 is the acting monitor\\R"), line);
  }

  @Test
  void aWarningWithAnExceptionStaysOnOneLineWithItsCauses() {
    Exception e = new IOException("Connection refused: /127.0.0.1:44775", new ConnectException("Connection refused"));
    String line = new LogLine().format(record(Level.WARNING, "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus",
        "Connecting to server x failed", e));
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.endsWith("WARNING ClusteredEventBus: Connecting to server x failed: IOException: Connection refused: /127.0.0.1:44775"
        + System.lineSeparator()), line);
  }

  @Test
  void causesThatSayMoreAreKeptAfterAnArrow() {
    Exception e = new IllegalStateException("write failed", new IOException("disk full"));
    assertEquals("IllegalStateException: write failed <- IOException: disk full", LogLine.summary(e));
  }

  @Test
  void lineBreaksInAMessageDoNotStartNewLines() {
    String line = new LogLine().format(record(Level.WARNING, "com.hazelcast.X", "first\n  second\r\nthird\n", null));
    assertTrue(line.endsWith("WARNING X: first | second | third" + System.lineSeparator()), line);
  }

  @Test
  void onlyASevereRecordCarriesItsStackTrace() {
    String line = new LogLine().format(record(Level.SEVERE, "io.ember.node.NodeAssembly", "the node failed", new IllegalStateException("boom")));
    assertTrue(line.lines().findFirst().orElseThrow().endsWith("SEVERE NodeAssembly: the node failed: IllegalStateException: boom"), line);
    assertTrue(line.contains("\tat io.ember.logs.LogLineTest"), line);
    assertEquals("root", LogLine.shortName(""));
  }

  @Test
  void aPeersConnectionResetIsAWarningSayingWhatItMeansAndOtherErrorsStayErrors() {
    LogRecord reset = record(Level.SEVERE, "io.vertx.core.net.impl.ConnectionBase", "Connection reset", null);
    assertTrue(Logs.peerReset(reset));
    assertEquals(Level.WARNING, reset.getLevel());
    assertTrue(reset.getMessage().startsWith("Connection reset (a peer's connection ended abruptly"), reset.getMessage());
    LogRecord other = record(Level.SEVERE, "io.vertx.core.net.impl.ConnectionBase", "Broken pipe", null);
    assertTrue(Logs.peerReset(other));
    assertEquals(Level.SEVERE, other.getLevel());
  }
}
