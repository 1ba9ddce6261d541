package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ember.api.ErrorCode;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Claims for re-execution: every outcome, what a win writes, and that one claimer wins. */
class TaskTableTest extends RealRedis {
  private static final JobId JOB = JobId.named("claims");
  private static final NodeId A = new NodeId("a");
  private static final NodeId B = new NodeId("b");

  private static TaskId task(int i) {
    return TaskId.child(TaskId.driverOf(JOB), i);
  }

  private static Claim claim(TaskId t, String owner, NodeId at, int maxRetries) throws Exception {
    return await(gcs.tasks().claim(t, new ClientId(owner), at, maxRetries, "its object was lost", 5_000));
  }

  private static TableWriter registered(NodeId n) throws Exception {
    return gcs.writer(n, await(gcs.nodes().register(n, Map.of())));
  }

  @Test
  void anUnknownTaskIsMissing() throws Exception {
    registered(B);
    assertEquals(new Claim(ClaimOutcome.MISSING, null, null, 0, null), claim(task(1), "owner-b", B, 3));
  }

  /** A row left RUNNING on a live node by a Redis that came back behind, with a live copy of the result: EXISTS. */
  @Test
  void aStaleRunningRowWithALiveCopyOfTheResultExists() throws Exception {
    TableWriter wa = registered(A);
    registered(B);
    wa.taskSubmitted(task(8), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(8), TaskState.RUNNING, A, 0, null);
    await(wa.flush());
    assertEquals(ClaimOutcome.IN_PROGRESS, claim(task(8), "owner-b", B, 3).outcome());
    wa.objectCreated(ObjectId.of(task(8), 1), 8, task(8), "", A);
    await(wa.flush());
    assertEquals(ClaimOutcome.EXISTS, claim(task(8), "owner-b", B, 3).outcome());
  }

  /**
   * Redis lost its tables: the task's row is gone, but the node holding its result wrote the copy
   * back when it resynced. The copy is the result (EXISTS there); once that node is dead, MISSING.
   */
  @Test
  void aTaskWithNoRowButALiveCopyOfItsResultExists() throws Exception {
    TableWriter wa = registered(A);
    registered(B);
    wa.objectCreated(ObjectId.of(task(7), 1), 8, task(7), "", A);
    await(wa.flush());
    assertEquals(ClaimOutcome.EXISTS, claim(task(7), "owner-b", B, 3).outcome());
    await(GcsTesting.markNodeDead(gcs, A, "gone"));
    assertEquals(new Claim(ClaimOutcome.MISSING, null, null, 0, null), claim(task(7), "owner-b", B, 3));
  }

  @Test
  void aTaskRunningOnALiveNodeIsInProgressThenClaimedOnceItsNodeIsDead() throws Exception {
    TableWriter wa = registered(A);
    registered(B);
    wa.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(1), TaskState.RUNNING, A, 0, null);
    await(wa.flush());
    assertEquals(new Claim(ClaimOutcome.IN_PROGRESS, new ClientId("a"), "a", 0, null), claim(task(1), "owner-b", B, 3));

    await(GcsTesting.markNodeDead(gcs, A, "gone"));
    assertEquals(new Claim(ClaimOutcome.CLAIMED, new ClientId("owner-b"), "b", 1, null), claim(task(1), "owner-b", B, 3));
    TaskRecord row = await(gcs.tasks().get(task(1)));
    assertEquals(TaskState.QUEUED, row.state());
    assertEquals(B, row.node());
    assertEquals(1, row.attempts());
    assertEquals(Map.of("task.QUEUED", 1L), await(gcs.counts()));
    // a second claimer is told who runs it now
    assertEquals(new Claim(ClaimOutcome.IN_PROGRESS, new ClientId("owner-b"), "b", 0, null), claim(task(1), "owner-c", A, 3));
  }

  @Test
  void spentRetriesAreExhausted() throws Exception {
    TableWriter wa = registered(A);
    wa.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(1), TaskState.RUNNING, A, 0, null);
    await(wa.flush());
    await(GcsTesting.markNodeDead(gcs, A, "gone"));
    assertEquals(new Claim(ClaimOutcome.EXHAUSTED, null, null, 0, null), claim(task(1), "owner-b", B, 0));
  }

  @Test
  void aLostTaskIsExhaustedWithTheReasonItsNodeDiedAsTextWithoutACode() throws Exception {
    TableWriter wa = registered(A);
    wa.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(1), TaskState.RUNNING, A, 0, null);
    await(wa.flush());
    long term = await(gcs.lease().acquire(B, registered(B).epoch(), 10_000));
    await(gcs.deaths().declareDead(B, term, A, "missed heartbeats", 1_000));
    assertEquals(new Claim(ClaimOutcome.EXHAUSTED, null, null, 0, new TaskFailure(null, null, "node a died: missed heartbeats", null)),
        claim(task(1), "owner-b", B, 0));
  }

  @Test
  void aFailedTasksClaimReturnsCodeTypeMessageAndSubjectExactlyAsWritten() throws Exception {
    TableWriter wa = registered(A);
    TaskFailure user = new TaskFailure(ErrorCode.TASK_FAILED, "java.lang.IllegalStateException", "bad: input: \"a b\"  (two spaces)", null);
    TaskFailure died = new TaskFailure(ErrorCode.ACTOR_DIED, "io.ember.api.ActorDiedException",
        "actor x is dead: its constructor threw: NPE", "actor-42");
    wa.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(1), TaskState.FAILED, A, 0, user);
    wa.taskSubmitted(task(2), new byte[] {2}, JOB, "g", ClientId.ofNode(A));
    wa.taskState(task(2), TaskState.FAILED, A, 0, died);
    await(wa.flush());
    assertEquals(new Claim(ClaimOutcome.FAILED, null, null, 0, user), claim(task(1), "owner-b", B, 3));
    assertEquals(new Claim(ClaimOutcome.FAILED, null, null, 0, died), claim(task(2), "owner-b", B, 3));
    assertEquals(user, await(gcs.tasks().get(task(1))).failure());
    assertEquals(died, await(gcs.tasks().get(task(2))).failure());
  }

  @Test
  void aFailedRowFromAnOlderVersionHasOnlyItsTextAndNoCode() throws Exception {
    registered(A);
    String text = "TASK_FAILED java.lang.ArithmeticException: / by zero";
    // as the write script of a version before the error fields wrote it: one error string
    await(gcs.redisForTests().send(Request.cmd(Command.HSET).arg(Keys.task(task(1))).arg("state").arg("FAILED")
        .arg("node").arg("a").arg("attempts").arg("0").arg("function").arg("f").arg("error").arg(text)));
    TaskFailure old = new TaskFailure(null, null, text, null);
    assertEquals(new Claim(ClaimOutcome.FAILED, null, null, 0, old), claim(task(1), "owner-b", B, 3));
    assertEquals(old, await(gcs.tasks().get(task(1))).failure());
  }

  @Test
  void aClaimReplacesTheRowsFailureByItsReason() throws Exception {
    TableWriter wa = registered(A);
    registered(B);
    wa.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(1), TaskState.LOST, A, 0, new TaskFailure(ErrorCode.UNAVAILABLE, "x.E", "node a died", "s"));
    await(wa.flush());
    assertEquals(ClaimOutcome.CLAIMED, claim(task(1), "owner-b", B, 3).outcome());
    assertEquals(new TaskFailure(null, null, "node a died; its object was lost", null), await(gcs.tasks().get(task(1))).failure());
  }

  @Test
  void aFinishedTaskWithSeveralReturnsExistsOnlyIfEachHasALiveCopy() throws Exception {
    TableWriter wa = registered(A);
    registered(B);
    wa.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(1), TaskState.FINISHED, A, 0, null);
    wa.objectCreated(ObjectId.of(task(1), 1), 10, task(1), ObjectRecord.KIND_TASK, A);
    wa.objectCreated(ObjectId.of(task(1), 2), 10, task(1), ObjectRecord.KIND_TASK, A);
    wa.objectLocationRemoved(ObjectId.of(task(1), 2), A); // the second evicted with spilling off
    await(wa.flush());
    assertEquals(new Claim(ClaimOutcome.EXISTS, null, "a", 0, null), claim(task(1), "owner-b", B, 3), "one return asked: it exists");
    Claim both = await(gcs.tasks().claim(task(1), new ClientId("owner-b"), B, 3, 2, "its object was lost", 5_000));
    assertEquals(new Claim(ClaimOutcome.CLAIMED, new ClientId("owner-b"), "b", 1, null), both, "a re-run rebuilds them all");
  }

  @Test
  void aFinishedTaskWithALiveCopyExists() throws Exception {
    TableWriter wa = registered(A);
    wa.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(1), TaskState.FINISHED, A, 0, null);
    wa.objectCreated(ObjectId.of(task(1), 1), 10, task(1), ObjectRecord.KIND_TASK, A);
    await(wa.flush());
    assertEquals(new Claim(ClaimOutcome.EXISTS, null, "a", 0, null), claim(task(1), "owner-b", B, 3));
  }

  @Test
  void aDeliveredTaskThatAVerdictMovedToLostSaysFinishedAndIsStillReRunIfNoCopyIsLeft() throws Exception {
    TableWriter wa = registered(A);
    wa.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(1), TaskState.RUNNING, A, 0, null);
    await(wa.flush());
    long term = await(gcs.lease().acquire(B, registered(B).epoch(), 10_000));
    await(gcs.deaths().declareDead(B, term, A, "missed heartbeats", 1_000));
    assertEquals(TaskState.LOST, await(gcs.tasks().get(task(1))).state());

    assertEquals(true, await(gcs.tasks().delivered(task(1))));
    assertEquals(TaskState.FINISHED, await(gcs.tasks().get(task(1))).state());
    assertEquals(Map.of("task.FINISHED", 1L), await(gcs.counts()));
    assertEquals(false, await(gcs.tasks().delivered(task(1))), "only a LOST row changes");
    assertEquals(ClaimOutcome.CLAIMED, claim(task(1), "owner-b", B, 3).outcome());
  }
}
