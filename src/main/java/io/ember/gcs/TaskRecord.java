package io.ember.gcs;

import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;

/**
 * A row of the task table. {@code spec} is the task's serialised spec exactly as submitted (its
 * lineage); {@code node} is where it is (or last was) queued or running, null if never placed;
 * {@code failure} is the row's error fields, null when there is none.
 */
public record TaskRecord(TaskId id, byte[] spec, TaskState state, NodeId node, ClientId owner,
                         String function, int attempts, TaskFailure failure) {
}
