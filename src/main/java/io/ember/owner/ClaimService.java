package io.ember.owner;

import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;

/**
 * Claims a task for re-execution, cluster-wide: one claimer wins, the others learn who runs it.
 * What {@link ObjectRecovery} needs of the task table, and no more.
 */
public interface ClaimService {
  /** How a claim ended. */
  enum ClaimOutcome {
    /** Ours: the table now says QUEUED at our node, owned by us, attempt {@code attempts}. */
    CLAIMED,
    /** The task has no row (never recorded, or its lineage expired): re-run it from our spec. */
    MISSING,
    /** A live node runs (or queues) it: {@code owner} will have the result. */
    IN_PROGRESS,
    /** It finished and a live node holds its result. */
    EXISTS,
    /** User code threw: {@code error} is the table's error text. */
    FAILED,
    /** Its system-failure retries are spent after {@code attempts} re-executions. */
    EXHAUSTED,
    /** An outcome this client does not know. */
    OTHER
  }

  /** The outcome of a claim, and what it says about the task. */
  record Claim(ClaimOutcome outcome, String owner, String node, int attempts, String error) {}

  /**
   * Claims {@code task} for {@code claimer} on node {@code at}, unless it is running on a live
   * node, its result has a live copy, user code failed it, or {@code maxRetries} re-executions
   * were spent.
   */
  Future<Claim> claim(TaskId task, String claimer, NodeId at, int maxRetries, String reason, long now);
}
