package io.ember.gcs;

/**
 * Tuning of a {@link TableWriter}.
 *
 * @param maxBatchOps script ops (rows written) per EVALSHA (one script run blocks Redis for its
 *     duration: keep it small); calls that merge into a row already in the batch do not count
 * @param maxInFlight batches sent and not yet answered
 * @param maxQueued write calls buffered (e.g. while Redis is down) before the writer says it is
 *     {@link TableWriter#saturated() saturated}: intake then takes no new work until the queue
 *     has drained below half of it (calls are never dropped; work already running still writes)
 * @param backoffInitialMs first reconnect delay after a connection loss
 * @param backoffMaxMs cap of the doubling reconnect delay
 * @param coalesce merge the calls on one row within a batch into one script op (the final
 *     contents of Redis are the same either way; off only to compare against, or to debug)
 * @param replicaAcks replicas that must hold a batch (Redis {@code WAIT}) before its callers are
 *     answered (0 = the primary's reply is enough)
 * @param acksOnceGrown an Ember Redis group: no {@code WAIT} until its primary holds
 *     {@link Keys#GROUP_ACKS} (it has no replica yet, so none can be promoted without a write)
 */
public record WriterOptions(int maxBatchOps, int maxInFlight, int maxQueued, long backoffInitialMs,
                            long backoffMaxMs, boolean coalesce, int replicaAcks, boolean acksOnceGrown) {
  public static final WriterOptions DEFAULT = new WriterOptions(2_000, 3, 250_000, 20, 2_000, true, 0, false);

  public WriterOptions {
    if (maxBatchOps < 1 || maxInFlight < 1 || maxQueued < 1 || backoffInitialMs < 1 || backoffMaxMs < backoffInitialMs
        || replicaAcks < 0) {
      throw new IllegalArgumentException("bad writer options: " + maxBatchOps + ", " + maxInFlight + ", "
          + maxQueued + ", " + backoffInitialMs + ", " + backoffMaxMs + ", " + replicaAcks);
    }
  }

  /** Coalescing on, no replica acknowledgement. */
  public WriterOptions(int maxBatchOps, int maxInFlight, int maxQueued, long backoffInitialMs, long backoffMaxMs) {
    this(maxBatchOps, maxInFlight, maxQueued, backoffInitialMs, backoffMaxMs, true, 0, false);
  }

  public WriterOptions withMaxQueued(int n) {
    return new WriterOptions(maxBatchOps, maxInFlight, n, backoffInitialMs, backoffMaxMs, coalesce, replicaAcks, acksOnceGrown);
  }

  public WriterOptions withMaxBatchOps(int n) {
    return new WriterOptions(n, maxInFlight, maxQueued, backoffInitialMs, backoffMaxMs, coalesce, replicaAcks, acksOnceGrown);
  }

  public WriterOptions withCoalesce(boolean on) {
    return new WriterOptions(maxBatchOps, maxInFlight, maxQueued, backoffInitialMs, backoffMaxMs, on, replicaAcks, acksOnceGrown);
  }

  public WriterOptions withReplicaAcks(int n) {
    return withReplicaAcks(n, false);
  }

  public WriterOptions withReplicaAcks(int n, boolean onceGrown) {
    return new WriterOptions(maxBatchOps, maxInFlight, maxQueued, backoffInitialMs, backoffMaxMs, coalesce, n, onceGrown);
  }
}
