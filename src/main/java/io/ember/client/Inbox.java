package io.ember.client;

import io.ember.gcs.TaskTable;
import io.ember.ids.ClientId;
import io.ember.owner.ActorCalls;
import io.ember.owner.CompletionCheck;
import io.ember.owner.OwnedTasks;
import io.ember.protocol.Addresses;
import io.ember.protocol.TaskDone;
import io.ember.util.Retry;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * A client's completion inbox ({@code ember.client.<id>.done}): a result is acted on only if this
 * client waits for it and it comes from the node that ran it ({@link CompletionCheck}): an actor
 * call's from the node the call was sent to or the actor table names, a task's from the node it
 * was handed to or the task table names. Everything else is dropped (counted, logged at most once
 * per 10 s): a forged completion cannot change what a {@code get} returns. A report of a task
 * this client cancelled is expected (the node that dropped or interrupted it says so) and ignored
 * silently. Results from
 * components in this JVM do not come through here.
 */
final class Inbox {
  private final OwnedTasks tasks;
  private final ActorCalls calls;
  private final TaskTable rows;
  private final CompletionCheck check;
  private final Consumer<TaskDone> deliver;

  Inbox(OwnedTasks tasks, ActorCalls calls, TaskTable rows, Retry rowRetry, Clock clock, ClientId self, Consumer<TaskDone> deliver) {
    this.tasks = tasks;
    this.calls = calls;
    this.rows = rows;
    this.check = new CompletionCheck(rowRetry, clock, Addresses.clientInbox(self));
    this.deliver = deliver;
  }

  /** A completion from the event bus (any thread). */
  void received(TaskDone d) {
    if (tasks.cancelled(d.task())) return; // the node's report of a task this client cancelled: nothing left to do
    CompletionCheck.Expected from = calls.expectedFor(d.task());
    boolean isCall = from != null;
    if (from == null && tasks.awaits(d.task())) {
      from = new CompletionCheck.Expected(tasks.handedTo(d.task()), () -> rows.nodeOf(d.task()));
    }
    if (from == null) {
      check.notAwaited(d);
      return;
    }
    check.accepts(d, from).onSuccess(ok -> {
      if (ok) deliver.accept(d);
      else if (!isCall) tasks.answerRefused(d.task());
    });
  }
}
