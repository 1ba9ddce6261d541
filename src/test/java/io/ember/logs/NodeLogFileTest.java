package io.ember.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLogFileTest {
  @TempDir
  Path dir;

  private static void log(NodeLogFile f, String message) {
    LogRecord r = new LogRecord(Level.INFO, message);
    r.setLoggerName("io.ember.Test");
    f.publish(r);
  }

  @Test
  void eachEventIsOnDiskAtOnceInNodeLogUnderTheDirectory() throws Exception {
    NodeLogFile f = NodeLogFile.in(dir.resolve("data"));
    f.setFormatter(new LogLine());
    try {
      log(f, "hello");
      assertEquals(dir.resolve("data/node.log"), f.file());
      assertTrue(Files.readString(f.file()).endsWith("INFO Test: hello" + System.lineSeparator()));
    } finally {
      f.close();
    }
  }

  @Test
  void aSecondHolderOfTheSameDirectoryWritesNodeTwoLogAndTheNameIsFreeOnceClosed() throws Exception {
    NodeLogFile first = NodeLogFile.in(dir);
    NodeLogFile second = NodeLogFile.in(dir);
    assertEquals(dir.resolve("node.log"), first.file());
    assertEquals(dir.resolve("node-2.log"), second.file());
    first.close();
    NodeLogFile third = NodeLogFile.in(dir);
    assertEquals(dir.resolve("node.log"), third.file());
    second.close();
    third.close();
  }

  @Test
  void pastTheLimitTheFileRotatesKeepingFiveOlderOnes() throws Exception {
    NodeLogFile f = NodeLogFile.in(dir, 200);
    f.setFormatter(new LogLine());
    try {
      for (int i = 0; i < 40; i++) log(f, "event " + i + " " + "x".repeat(60));
      for (int i = 1; i <= NodeLogFile.KEPT; i++) assertTrue(Files.exists(dir.resolve("node.log." + i)), "node.log." + i);
      assertFalse(Files.exists(dir.resolve("node.log." + (NodeLogFile.KEPT + 1))));
      assertTrue(Files.size(dir.resolve("node.log")) < 200 + 120);
      assertTrue(Files.readString(dir.resolve("node.log.1")).contains("event 3"), "the newest rotated file holds the latest full one");
    } finally {
      f.close();
    }
  }
}
