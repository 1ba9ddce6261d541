package io.ember.scheduler;

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
 * A task is owned by the node whose scheduler accepted it; the {@code node} field of the task
 * table says where it is queued or running. Only the scheduler moves a task between states.
 */
public enum TaskState {
  PENDING,
  QUEUED,
  RUNNING,
  FINISHED,
  FAILED,
  LOST;

  /** True while the task occupies a node (it is in that node's task set). */
  public boolean onNode() {
    return this == QUEUED || this == RUNNING;
  }

  public boolean terminal() {
    return this == FINISHED || this == FAILED;
  }
}
