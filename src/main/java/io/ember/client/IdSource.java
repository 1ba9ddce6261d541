package io.ember.client;

import io.ember.ids.TaskId;
import java.util.concurrent.atomic.AtomicLong;

/** Hands out the deterministic ids of one submitter's (a driver's or a task's) submissions, in order. */
final class IdSource {
  private final TaskId parent;
  private final AtomicLong counter = new AtomicLong();

  IdSource(TaskId parent) {
    this.parent = parent;
  }

  TaskId next() {
    return TaskId.child(parent, counter.getAndIncrement());
  }
}
