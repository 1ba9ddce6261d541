package io.ember.owner;

import io.ember.ids.TaskId;
import io.vertx.core.json.JsonObject;

/**
 * Where the owner side records its recovery actions (the cluster's recovery ledger,
 * {@code ember:recoveries}): a node's table writer, or for a driver that is not a node a direct
 * append to the same list. Appends never block and never fail the recovery they record.
 */
public interface Ledger {
  void record(JsonObject entry);

  /** The entry for a task this client re-submitted. The one place such entries are built. */
  static JsonObject taskResubmitted(TaskId task, String function, int attempt, String by, String reason, long at) {
    return new JsonObject().put("kind", "task-resubmitted").put("task", task.toString()).put("function", function)
        .put("attempt", attempt).put("by", by).put("reason", reason).put("at", at);
  }
}
