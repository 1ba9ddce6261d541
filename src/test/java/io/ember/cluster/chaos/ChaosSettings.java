package io.ember.cluster.chaos;

import java.time.Duration;

/**
 * How long a chaos run injects faults, how fast, and how long a get may take.
 *
 * @param minutes how long faults are injected (the workload stops with them)
 * @param seed seeds every choice: fault pace, target, kind and freeze length, and the workload's
 * @param get the deadline of every get; a get that passes it is a hung get
 * @param stuckGrace how much longer than {@code get} a loop may stay in one get before it is counted hung
 * @param pauseMinMs the shortest pause between two faults
 * @param pauseMaxMs the longest pause between two faults
 * @param redisFaults one fault in five is Redis's own ({@link RedisFaults}) instead of a node's
 */
public record ChaosSettings(double minutes, long seed, Duration get, Duration stuckGrace, int pauseMinMs, int pauseMaxMs,
                            boolean redisFaults) {
  public static final long DEFAULT_SEED = 1234;

  /** The soak run by hand: faults every 5-20 s, 90 s gets. */
  public static ChaosSettings soak(double minutes, long seed, boolean redisFaults) {
    return new ChaosSettings(minutes, seed, Duration.ofSeconds(90), Duration.ofSeconds(60), 5_000, 20_000, redisFaults);
  }

  /** The suite's short run: 90 s of faults every 5-12 s, 40 s gets, so it ends within about 2 minutes. */
  public static ChaosSettings shortRun(long seed) {
    return new ChaosSettings(0.75, seed, Duration.ofSeconds(40), Duration.ofSeconds(15), 5_000, 12_000, false);
  }

  /** A get still blocked this long is hung, whatever it later returns. */
  long stuckMs() {
    return get.plus(stuckGrace).toMillis();
  }
}
