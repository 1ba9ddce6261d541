package io.ember.node;

import io.ember.gcs.ResyncAsk;
import java.util.concurrent.TimeUnit;

/**
 * Decides what this node does when Redis refuses its writes. {@code FENCED} (its row is DEAD, or
 * at a newer epoch) is a verdict: fence. {@code RESYNC} (its row is gone or behind: Redis lost
 * writes) is not one by itself, but a node frozen across the loss may have been declared dead
 * just before it, and that verdict is lost with the rest; so a node resyncs only if the process
 * did not stand still (no stall, see {@link StallWatch}) as long as a heartbeat timeout since it
 * was last proven current (a batch of its own applied, counted from the batch's send time):
 * without a stall its heartbeats went on, so no monitor declared it. A node that stalled that
 * long fences itself: a new incarnation is cheap, a zombie is not. Pure: the numbers come in, a
 * decision goes out.
 */
public final class ResyncRule {
  /** What to do. */
  public enum Decision { RESYNC, FENCE }

  private final long timeoutNanos;

  public ResyncRule(long heartbeatTimeoutMs) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatTimeoutMs);
  }

  /**
   * The decision for {@code ask}; {@code fenced}: this node already knows it was declared dead;
   * {@code stallNanos}: the longest stall of this process since {@code ask.currentSinceNanos()}.
   */
  public Decision decide(ResyncAsk ask, boolean fenced, long stallNanos) {
    if (fenced || !ask.reason().startsWith("RESYNC")) return Decision.FENCE;
    return stallNanos < timeoutNanos ? Decision.RESYNC : Decision.FENCE;
  }

  /** Why a RESYNC was refused, for the fence's log line. */
  public String whyFenced(ResyncAsk ask, long stallNanos) {
    return "Redis lost this node's row (" + ask.reason() + ") and the node cannot prove it was current then: it stood"
        + " still " + TimeUnit.NANOSECONDS.toMillis(stallNanos) + " ms since its last applied write (limit "
        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms); it may have been declared dead meanwhile";
  }
}
