package io.ember.gcs;

/**
 * What a claim of a task for re-execution found ({@link TaskTable#claim}); the first element
 * of {@code task-claim.lua}'s reply is one of these names.
 */
public enum ClaimOutcome {
  /** The claimer won: the task is QUEUED on the claimer's node as a new attempt; run it. */
  CLAIMED,
  /**
   * The task has no row (never recorded, its lineage expired, or Redis lost its tables) and not
   * every return object has a live copy (then it is {@link #EXISTS}): the claimer resubmits it as a
   * fresh attempt.
   */
  MISSING,
  /** It is queued or running on a live node: wait for its owner. */
  IN_PROGRESS,
  /** It finished and its result still has a copy on a live node. */
  EXISTS,
  /** It failed (in user code, or with an Ember error it let escape): the recorded failure is the answer. */
  FAILED,
  /** Its system-failure retries are spent. */
  EXHAUSTED
}
