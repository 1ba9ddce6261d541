package io.ember.gcs;

/**
 * Tuning of a {@link TableWriter}.
 *
 * @param maxBatchOps ops per EVALSHA (one script run blocks Redis for its duration: keep it small)
 * @param maxInFlight batches sent and not yet answered
 * @param maxQueued ops buffered (e.g. while Redis is down) before the oldest are dropped
 * @param backoffInitialMs first reconnect delay after a connection loss
 * @param backoffMaxMs cap of the doubling reconnect delay
 */
public record WriterOptions(int maxBatchOps, int maxInFlight, int maxQueued, long backoffInitialMs,
                            long backoffMaxMs) {
  public static final WriterOptions DEFAULT = new WriterOptions(2_000, 3, 1_000_000, 20, 2_000);

  public WriterOptions {
    if (maxBatchOps < 1 || maxInFlight < 1 || maxQueued < 1 || backoffInitialMs < 1 || backoffMaxMs < backoffInitialMs) {
      throw new IllegalArgumentException("bad writer options: " + maxBatchOps + ", " + maxInFlight + ", "
          + maxQueued + ", " + backoffInitialMs + ", " + backoffMaxMs);
    }
  }

  public WriterOptions withMaxQueued(int n) {
    return new WriterOptions(maxBatchOps, maxInFlight, n, backoffInitialMs, backoffMaxMs);
  }
}
