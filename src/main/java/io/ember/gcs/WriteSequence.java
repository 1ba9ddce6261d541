package io.ember.gcs;

/**
 * How a writer notices a Redis that is behind it while it still holds its row at the current
 * epoch (an append-only file that lost its tail, a replica promoted without the last writes): every
 * batch carries a sequence number, which the write script keeps in the node's row ({@code wseq}),
 * and the highest number this writer has had acknowledged at its current epoch (the watermark). A
 * row whose {@code wseq} is below the watermark lost acknowledged writes: the script answers
 * {@code RESYNC} and the node re-publishes what it knows. Confined to the writer's context.
 */
final class WriteSequence {
  private long last;
  private long acknowledged;

  /** The number of the next batch sealed. Never goes back, whatever the epoch. */
  long next() {
    return ++last;
  }

  /** What every acknowledged batch of the current epoch is covered by. */
  long watermark() {
    return acknowledged;
  }

  /** Batch {@code seq}, sent at {@code sentEpoch}, counts now; only replies of the current epoch raise the watermark. */
  void acknowledged(long seq, String sentEpoch, String currentEpoch) {
    if (currentEpoch.equals(sentEpoch) && seq > acknowledged) acknowledged = seq;
  }

  /** A resync gave a new epoch and re-publishes everything: nothing acknowledged before can be checked against. */
  void newEpoch() {
    acknowledged = 0;
  }
}
