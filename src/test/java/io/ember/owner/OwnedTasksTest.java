package io.ember.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.TaskId;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lineage an owner keeps of its finished tasks. */
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
}
