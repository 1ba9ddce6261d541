package io.ember.testing;

import io.ember.logs.Logs;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The test JVM logs as a node does ({@link Logs#configure}: one line per event, libraries at
 * WARNING, their known-harmless notices silenced at the source), before the first test runs: its
 * drivers and in-process nodes do not start through the command line, which configures a node.
 * Registered in {@code META-INF/services}.
 */
public final class TestLogs implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    Logs.configure();
  }
}
