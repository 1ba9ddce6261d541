package io.ember.cluster.chaos;

/** The chaos run's one output: a line per event, stamped with seconds since the run began. */
final class ChaosLog {
  private static final long T0 = System.nanoTime();

  private ChaosLog() {}

  static synchronized void say(String format, Object... args) {
    System.out.printf("[%5ds] %s%n", (System.nanoTime() - T0) / 1_000_000_000L, String.format(format, args));
    System.out.flush();
  }
}
