package io.ember.owner;

import io.ember.gcs.Recovery;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;

/** {@link ClaimService} over the GCS claim script ({@link Recovery#claim}): the one adapter to change when that moves. */
public final class GcsClaims implements ClaimService {
  private final Recovery recovery;

  public GcsClaims(Recovery recovery) {
    this.recovery = recovery;
  }

  @Override
  public Future<Claim> claim(TaskId task, String claimer, NodeId at, int maxRetries, String reason, long now) {
    return recovery.claim(task, claimer, at, maxRetries, reason, now)
        .map(c -> new Claim(outcome(c.outcome()), c.owner(), c.node(), c.attempts(), c.error()));
  }

  private static ClaimOutcome outcome(String s) {
    try {
      return ClaimOutcome.valueOf(s);
    } catch (IllegalArgumentException | NullPointerException unknown) {
      return ClaimOutcome.OTHER;
    }
  }
}
