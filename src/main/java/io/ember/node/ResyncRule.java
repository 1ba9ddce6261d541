package io.ember.node;

import io.ember.gcs.ResyncAsk;
import java.util.concurrent.TimeUnit;

/**
 * Decides what this node does when Redis refuses its writes. {@code FENCED} (its row is DEAD, or
 * at a newer epoch) is a verdict: fence. {@code RESYNC} (its row is gone or behind: Redis lost
 * writes) is not one by itself, but a node frozen across the loss may have been declared dead
 * just before it, and that verdict is lost with the rest; so a node resyncs only if it was proven
 * current (a batch of its own applied, counted from the batch's send time) less than a heartbeat
 * timeout before the first sign of trouble (its link seen down, or the refused send). A node that
 * cannot prove it — it ran late, it was frozen — fences itself: a new incarnation is cheap, a
 * zombie is not. Pure: the numbers come in, a decision goes out.
 */
public final class ResyncRule {
  /** What to do. */
  public enum Decision { RESYNC, FENCE }

  private final long timeoutNanos;

  public ResyncRule(long heartbeatTimeoutMs) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatTimeoutMs);
  }

  /** The decision for {@code ask}; {@code fenced}: this node already knows it was declared dead. */
  public Decision decide(ResyncAsk ask, boolean fenced) {
    if (fenced || !ask.reason().startsWith("RESYNC")) return Decision.FENCE;
    return gapNanos(ask) < timeoutNanos ? Decision.RESYNC : Decision.FENCE;
  }

  /** Why a RESYNC was refused, for the fence's log line. */
  public String whyFenced(ResyncAsk ask) {
    return "Redis lost this node's row (" + ask.reason() + ") and the node cannot prove it was current then: its last"
        + " applied write was sent " + TimeUnit.NANOSECONDS.toMillis(gapNanos(ask)) + " ms before the trouble began"
        + " (limit " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms); it may have been declared dead meanwhile";
  }

  private static long gapNanos(ResyncAsk ask) {
    return ask.troubleNanos() - ask.currentSinceNanos();
  }
}
