package io.ember.owner;

import io.ember.gcs.Claim;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;

/**
 * Claims a task for re-execution, cluster-wide: one claimer wins, the others learn who runs it.
 * What {@link ObjectRecovery} needs of the task table ({@link io.ember.gcs.TaskTable#claim}),
 * and no more; its outcomes are {@link io.ember.gcs.ClaimOutcome}.
 */
public interface ClaimService {
  /**
   * Claims {@code task} for {@code claimer} on node {@code at}, unless it is running on a live
   * node, each of its {@code returns} result objects has a live copy, user code failed it (or it
   * was cancelled), or {@code maxRetries} re-executions were spent.
   */
  Future<Claim> claim(TaskId task, ClientId claimer, NodeId at, int maxRetries, int returns, String reason, long now);
}
