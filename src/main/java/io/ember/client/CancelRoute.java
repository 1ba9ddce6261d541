package io.ember.client;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.gcs.TaskTable;
import io.ember.ids.ClientId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.owner.Failures;
import io.ember.owner.OwnedTasks;
import io.ember.protocol.Addresses;
import io.ember.protocol.Requests;
import io.ember.protocol.TaskCancel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * How a cancel travels. The owner decides ({@link OwnedTasks#cancel}: a task still pending there
 * fails {@code CANCELLED} for good, so its owner never re-runs it), then tells every scheduler
 * ({@link TaskCancel}, published): the one that holds the task drops or interrupts it and records
 * it {@code FAILED} with code {@code CANCELLED} (so no other client's claim re-runs it either), and
 * the others remember it for a copy still on its way. A client asked to cancel a task it does not
 * own asks that task's owner, named in the task table, on the owner's cancel address. It holds no
 * state of its own.
 */
final class CancelRoute {
  private final EventBus bus;
  private final ClientId self;
  private final OwnedTasks tasks;
  private final TaskTable rows;
  private final long timeoutMs;

  CancelRoute(Vertx vertx, ClientId self, OwnedTasks tasks, TaskTable rows, long timeoutMs) {
    this.bus = vertx.eventBus();
    this.self = self;
    this.tasks = tasks;
    this.rows = rows;
    this.timeoutMs = timeoutMs;
  }

  /** Cancels {@code task} if this client owns it and it is pending; null if this client cannot tell (it does not own it). */
  Boolean cancelHere(TaskId task) {
    if (tasks.cancel(task)) {
      bus.publish(Addresses.CANCEL, new TaskCancel(task, self));
      return true;
    }
    return tasks.done(task) != null ? Boolean.FALSE : null; // owned here and finished, failed or cancelled already; or not owned
  }

  /** Cancels the task creating {@code id}, here or at its owner: true if it was cancelled, false if it had ended. */
  Future<Boolean> cancel(ObjectId id) {
    Boolean here = cancelHere(id.task());
    if (here != null) return Future.succeededFuture(here);
    return rows.get(id.task()).compose(row -> {
      if (row == null || row.owner() == null || row.owner().equals(self)) return Future.succeededFuture(false);
      JsonObject req = new JsonObject().put("taskId", id.task().toString());
      return bus.<JsonObject>request(Addresses.clientCancel(row.owner()), req, new DeliveryOptions().setSendTimeout(timeoutMs))
          .map(m -> m.body().getBoolean("cancelled", false))
          .recover(err -> Future.failedFuture(Failures.noAnswer(err) ? new EmberException(ErrorCode.UNAVAILABLE, "task " + id.task()
              + ": its owner " + row.owner() + " did not answer a cancel: " + err.getMessage()) : Failures.ofRequest(id, err)));
    });
  }

  /** {@link #cancel}, blocking when the owner must be asked (at once, on any thread, when this client owns the task). */
  boolean cancelNow(ObjectId id) {
    Boolean here = cancelHere(id.task());
    return here != null ? here : Waits.block(cancel(id), Duration.ofMillis(timeoutMs), "cancel " + id);
  }

  /** This client's cancel address: {@code {"taskId"}} → {@code {"cancelled"}}, for a task it owns. */
  Future<JsonObject> answer(Object body) {
    JsonObject req = Requests.object(body);
    Requests.onlyKeys(req, "taskId");
    Boolean here = cancelHere(TaskId.parse(Requests.string(req, "taskId")));
    return Future.succeededFuture(new JsonObject().put("cancelled", Boolean.TRUE.equals(here)));
  }
}
