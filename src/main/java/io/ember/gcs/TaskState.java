package io.ember.gcs;

/**
 * The life of a task, as recorded in the task table.
 *
 * <pre>
 *   PENDING ──(arguments ready)──▶ QUEUED ──(worker free)──▶ RUNNING ──▶ FINISHED
 *      │                             │                         │   └────▶ FAILED (user code threw,
 *      │                             │                         │                  retries spent)
 *      └──────────(node died)────────┴────────────┬────────────┘
 *                                                 ▼
 *                                               LOST ──(resubmitted)──▶ PENDING
 * </pre>
 *
 * FAILED is final; it also records a task its owner cancelled ({@code errorCode} CANCELLED),
 * written by the node that dropped or interrupted it, so that no claim re-runs it.
 *
 * PENDING: recorded, held by no node yet. QUEUED: held by a node's scheduler (waiting for its
 * arguments or for a worker). The {@code node} field of the task table says where it is queued
 * or running; the {@code owner} (a client) receives its result. Only schedulers move a task
 * forward; the acting monitor moves the tasks of a dead node to LOST, and a claim for
 * re-execution moves LOST (or unfinished on a dead node, or finished with no live copy) back
 * to QUEUED on the claimer's node, counting the attempt.
 *
 * <p>Who applies each move: a scheduler's {@link TableWriter#taskSubmitted} (PENDING) and
 * {@link TableWriter#taskState} (QUEUED, RUNNING, FINISHED, FAILED), the write script's S and T
 * ops, which drop a write that would go back in {@link #rank()} order within one attempt; the
 * declare-dead script of {@link NodeDeaths} (to LOST); the claim script of
 * {@link TaskTable#claim} (back to QUEUED, attempt + 1).
 */
public enum TaskState {
  PENDING(0),
  QUEUED(1),
  RUNNING(2),
  FINISHED(4),
  FAILED(4),
  LOST(3);

  private final int rank;

  TaskState(int rank) {
    this.rank = rank;
  }

  /**
   * Its place in the forward order of one attempt: a write whose (attempt, rank) is below the
   * row's is stale and ignored. FINISHED and FAILED tie (the later write wins). The write
   * script's {@code RANK} table repeats this; {@code LuaContractTest} checks that they agree.
   */
  public int rank() {
    return rank;
  }

  /** True while the task occupies a node (it is in that node's task set: the script's {@code ON_NODE}). */
  public boolean onNode() {
    return this == QUEUED || this == RUNNING;
  }
}
