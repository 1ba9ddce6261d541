package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
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
    assertEquals(new Claim(ClaimOutcome.EXHAUSTED, null, null, 0, ""), claim(task(1), "owner-b", B, 0));
  }

  @Test
  void aTaskThatFailedInUserCodeAnswersWithItsError() throws Exception {
    TableWriter wa = registered(A);
    wa.taskSubmitted(task(1), new byte[] {1}, JOB, "f", ClientId.ofNode(A));
    wa.taskState(task(1), TaskState.FAILED, A, 0, "boom");
    await(wa.flush());
    assertEquals(new Claim(ClaimOutcome.FAILED, null, null, 0, "boom"), claim(task(1), "owner-b", B, 3));
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
}
