package io.ember.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.TaskCancelledException;
import io.ember.ids.TaskId;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lineage an owner keeps of its finished tasks, and cancellation decided by the owner. */
class OwnedTasksTest extends RecoveryFakes {
  @Test
  void aFinishedTasksSpecIsKeptAsLineageAndAFailedOnesIsNot() {
    tasks.track(SPEC);
    assertEquals(SPEC, tasks.lineageOf(TASK), "pending");
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1, 5, null));
    assertEquals(SPEC, tasks.lineageOf(TASK), "finished: kept");

    TaskSpec other = new TaskSpec(TaskId.child(TASK, 1), SPEC.job(), SPEC.function(), List.of(), SPEC.resources(), 3, false, ME, 0);
    tasks.track(other);
    tasks.fail(other.id(), new EmberException(ErrorCode.TASK_FAILED, "boom"));
    assertNull(tasks.lineageOf(other.id()));
  }

  @Test
  void aSpecWithLargeInlineArgumentsIsNotKept() {
    Buffer big = Buffer.buffer(new byte[OwnedTasks.LINEAGE_SPEC_MAX + 1]);
    TaskSpec heavy = new TaskSpec(TASK, SPEC.job(), SPEC.function(), List.of(TaskSpec.Arg.value(big)), SPEC.resources(), 3, false, ME, 0);
    tasks.track(heavy);
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1, 5, null));
    assertNull(tasks.lineageOf(TASK), "the table's lineage serves it");
  }

  @Test
  void aCancelledTaskFailsCancelledForGoodAndALateResultIsIgnored() throws Exception {
    Future<TaskDone> result = tasks.track(SPEC);
    assertTrue(tasks.cancel(TASK));
    assertEquals(ErrorCode.CANCELLED, result.result().error().code());
    assertTrue(tasks.cancelled(TASK));
    assertFalse(tasks.awaits(TASK), "a node's report of it is not acted on");
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1, 5, Buffer.buffer("late")));
    TaskCancelledException e = assertInstanceOf(TaskCancelledException.class, tasks.failureOf(OUT, await(tasks.done(TASK))));
    assertEquals(TASK.toString(), e.taskId());
    tasks.fail(TASK, new EmberException(ErrorCode.UNAVAILABLE, "a recovery that ended after the cancel"));
    assertInstanceOf(TaskCancelledException.class, tasks.failureOf(OUT, await(tasks.done(TASK))));
    assertFalse(tasks.cancel(TASK), "once is enough");
  }

  @Test
  void onlyAPendingTaskCanBeCancelled() {
    tasks.track(SPEC);
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1, 5, null));
    assertFalse(tasks.cancel(TASK), "finished");
    assertFalse(tasks.cancel(TaskId.child(TASK, 9)), "not owned here");
    TaskId put = TaskId.child(TASK, 10);
    tasks.expectPut(put);
    assertFalse(tasks.cancel(put), "a put");
    TaskId call = TaskId.child(TASK, 11);
    tasks.expect(call);
    assertFalse(tasks.cancel(call), "an actor call");
  }

  @Test
  void aCancelRacingTheResultHasOneWinner() throws Exception {
    for (int i = 0; i < 200; i++) {
      TaskSpec spec = SPEC.ownedBy(ME, 0).withAttempt(0);
      TaskId id = TaskId.child(TASK, 100 + i);
      TaskSpec s = new TaskSpec(id, spec.job(), spec.function(), List.of(), spec.resources(), 3, false, ME, 0);
      Future<TaskDone> result = tasks.track(s);
      Thread racer = new Thread(() -> tasks.complete(TaskDone.ok(id, PEER, "h", 1, 5, Buffer.buffer("v"))));
      racer.start();
      boolean cancelled = tasks.cancel(id);
      racer.join();
      TaskDone seen = await(tasks.done(id));
      assertEquals(cancelled, !seen.ok(), "the cancel's answer and what a get sees agree");
      assertEquals(seen.ok(), result.result().ok());
    }
  }
}
