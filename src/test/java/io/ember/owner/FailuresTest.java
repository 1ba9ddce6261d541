package io.ember.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.GetTimeoutException;
import io.ember.api.ObjectLostException;
import io.ember.api.TaskFailedException;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.TaskDone;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A task's reported failure becomes the exception its code threw, naming the id that exception named. */
class FailuresTest {
  private static final TaskId TASK = TaskId.child(TaskId.driverOf(JobId.named("failures")), 1);
  private static final ObjectId OUT = ObjectId.of(TASK, 1);
  private static final NodeId N = new NodeId("n1");

  private static TaskDone escaped(EmberException e) {
    return TaskDone.failed(TASK, N, TaskDone.Failure.of("a.Fns.f", e));
  }

  @Test
  void anActorDeathATaskLetEscapeNamesTheActor() {
    ActorDiedException thrown = new ActorDiedException("actor-7", "its constructor threw");
    ActorDiedException e = assertInstanceOf(ActorDiedException.class, Failures.ofTask(OUT, escaped(thrown)));
    assertEquals("actor-7", e.actorId());
    assertEquals(thrown.getMessage(), e.getMessage());
  }

  @Test
  void anObjectLossATaskLetEscapeNamesTheLostObjectNotTheTasksOutput() {
    ObjectId arg = ObjectId.of(TaskId.child(TASK, 1), 1);
    ObjectLostException e = assertInstanceOf(ObjectLostException.class,
        Failures.ofTask(OUT, escaped(new ObjectLostException(arg.toString(), "no copy left"))));
    assertEquals(arg.toString(), e.objectId());
  }

  @Test
  void aTimeoutATaskLetEscapeNamesTheObjectItWaitedFor() {
    GetTimeoutException e = assertInstanceOf(GetTimeoutException.class,
        Failures.ofTask(OUT, escaped(new GetTimeoutException("o-5", Duration.ofMillis(10), null))));
    assertEquals("o-5", e.objectId());
  }

  @Test
  void aTaskFailureATaskPassedOnIsTheFailureOfTheTaskAskedFor() {
    TaskFailedException inner = new TaskFailedException("t-inner", "a.Fns.g", "java.lang.X", "boom", null);
    TaskFailedException e = assertInstanceOf(TaskFailedException.class, Failures.ofTask(OUT, escaped(inner)));
    assertEquals(TASK.toString(), e.taskId());
    assertEquals(ErrorCode.TASK_FAILED, e.code());
    assertEquals(inner.getMessage(), e.remoteMessage());
  }
}
