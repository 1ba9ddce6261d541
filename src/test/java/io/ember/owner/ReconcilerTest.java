package io.ember.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.gcs.ClaimOutcome;
import io.ember.gcs.ObjectRecord;
import io.ember.gcs.TaskRecord;
import io.ember.gcs.TaskState;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.monitor.ClusterView;
import io.ember.object.Location;
import io.ember.protocol.TaskDone;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The owner's convergence check, over the fakes of {@link RecoveryFakes}: what each task row makes it do. */
class ReconcilerTest extends RecoveryFakes {
  final Map<TaskId, TaskRecord> rows = new ConcurrentHashMap<>();
  final List<TaskId> markedDelivered = new CopyOnWriteArrayList<>();
  final Set<NodeId> dead = ConcurrentHashMap.newKeySet();

  Reconciler reconciler() {
    Reconciler.Rows table = new Reconciler.Rows() {
      @Override
      public Future<TaskRecord> row(TaskId task) {
        return Future.succeededFuture(rows.get(task));
      }

      @Override
      public Future<Boolean> delivered(TaskId task) {
        markedDelivered.add(task);
        return Future.succeededFuture(true);
      }
    };
    return new Reconciler(ME, tasks, table, dead::contains, recovery(), submitter(), 10_000, clock);
  }

  TaskRecord row(TaskState state, NodeId node) {
    return row(state, node, ME, 0);
  }

  TaskRecord row(TaskState state, NodeId node, ClientId owner, int attempts) {
    return new TaskRecord(TASK, new byte[0], state, node, owner, SPEC.function(), attempts, null);
  }

  /** Two rounds {@link Reconciler#STALE_MS} apart: the first notes the task, the second compares it with the table. */
  void twoRounds(Reconciler r) {
    r.round();
    clock.now.addAndGet(Reconciler.STALE_MS);
    r.round();
  }

  @Test
  void aPendingTaskTheTableSaysLostIsReRunThoughItsOwnerMissedTheVerdict() {
    tasks.track(SPEC);
    rows.put(TASK, row(TaskState.LOST, PEER));
    twoRounds(reconciler());
    assertEquals(1, claimsAsked.size());
    assertEquals(List.of(TASK), submitted.stream().map(s -> s.id()).toList());
  }

  @Test
  void aSubmissionNoSchedulerRecordedIsSentAgain() {
    tasks.track(SPEC);
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.MISSING, null, 0, null));
    twoRounds(reconciler());
    assertEquals(1, submitted.size());
    assertEquals(1, submitted.get(0).attempt(), "a fresh attempt: a home that was handed attempt 0 drops a copy of it");
  }

  @Test
  void aReSubmissionThatIsLostAgainIsSentAgainByTheNextCheck() {
    tasks.track(SPEC);
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.MISSING, null, 0, null));
    Reconciler r = reconciler();
    recovery().recoverLost(true, Set.of(), "its home died", clock.millis() + 10_000); // the verdict's recovery
    assertEquals(1, submitted.size());
    twoRounds(r); // that attempt vanished too (its node was fenced before recording it)
    assertEquals(2, submitted.size());
    assertTrue(submitted.get(1).attempt() > submitted.get(0).attempt(), "each re-sending a new attempt: " + submitted);
  }

  @Test
  void aFinishedTaskWhoseAnswerWasLostCompletesFromItsLiveCopy() throws Exception {
    pendingWithALiveCopyOnPeer(TaskState.FINISHED);
    twoRounds(reconciler());
    assertEquals(new Location(PEER, "p", 2, 5), await(tasks.location(OUT)));
    assertTrue(submitted.isEmpty(), "a result with a live copy is not run again");
  }

  /** A pending task whose row says {@code state} on PEER, which is live and holds its result; the claim says EXISTS. */
  private void pendingWithALiveCopyOnPeer(TaskState state) {
    tasks.track(SPEC);
    rows.put(TASK, row(state, PEER));
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.EXISTS, null, 0, null));
    ClusterView.Peer live = view.peer(PEER);
    live.host = "p";
    live.transferPort = 2;
    objects.put(OUT, new ObjectRecord(OUT, 5, TASK, "task", new LinkedHashSet<>(List.of(PEER))));
  }

  /**
   * Redis came back behind: the row says RUNNING on a live node for ever (the FINISHED write was
   * lost, the node that ran it wrote back only its copy), and that node's answer was refused (the
   * table did not name it). The check claims it anyway and completes it from the live copy.
   */
  @Test
  void aTaskWhoseAnswerWasRefusedCompletesFromItsLiveCopyThoughItsRowSaysRunning() throws Exception {
    pendingWithALiveCopyOnPeer(TaskState.RUNNING);
    Reconciler r = reconciler();
    twoRounds(r);
    assertTrue(claimsAsked.isEmpty(), "no answer refused: a RUNNING row on a live node is trusted");
    tasks.answerRefused(TASK);
    clock.now.addAndGet(Reconciler.STALE_MS);
    r.round();
    assertEquals(1, claimsAsked.size());
    assertEquals(new Location(PEER, "p", 2, 5), await(tasks.location(OUT)));
    assertTrue(submitted.isEmpty(), "a result with a live copy is not run again");
  }

  /**
   * This client's view can miss a node's departure (seen in CI: a worker stopped 1 s after its
   * peer joined; its tasks' rows said QUEUED there for ever and were nudged to it for ever). Every
   * third check of a task the row says is in progress, the claim asks Redis; while Redis also says
   * it goes on, nothing is re-run.
   */
  @Test
  void everyThirdCheckOfATaskInProgressAsksRedisThroughAClaim() {
    tasks.track(SPEC);
    rows.put(TASK, row(TaskState.RUNNING, PEER));
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.IN_PROGRESS, ME, 0, null));
    Reconciler r = reconciler();
    twoRounds(r); // the first check
    clock.now.addAndGet(Reconciler.STALE_MS);
    r.round(); // the second
    assertTrue(claimsAsked.isEmpty(), "a row in progress on a live node is trusted at first");
    clock.now.addAndGet(Reconciler.STALE_MS);
    r.round();
    assertEquals(1, claimsAsked.size(), "the third check asks Redis");
    assertTrue(submitted.isEmpty(), "in progress there: not re-run");
  }

  @Test
  void aTaskRunningOnALiveNodeIsLeftAloneAndOneOnADeadNodeIsReRun() {
    tasks.track(SPEC);
    rows.put(TASK, row(TaskState.RUNNING, PEER));
    Reconciler r = reconciler();
    twoRounds(r);
    assertTrue(claimsAsked.isEmpty());
    assertTrue(submitted.isEmpty(), "RUNNING is written by the node that runs it: not sent again");
    dead.add(PEER);
    clock.now.addAndGet(Reconciler.STALE_MS);
    r.round();
    assertEquals(1, claimsAsked.size());
  }

  /**
   * QUEUED is written by others than the node it names (a forwarder, a claimer) before that node
   * got the task: a hand-off lost after the record landed (a claim whose reply was lost) would
   * otherwise wait for ever. The spec goes to that node again at the row's attempt; a node that
   * holds it drops the copy.
   */
  @Test
  void aTaskQueuedOnALiveNodeIsSentToThatNodeAgainAtTheRowsAttempt() {
    tasks.track(SPEC);
    rows.put(TASK, row(TaskState.QUEUED, PEER, ME, 2));
    twoRounds(reconciler());
    assertTrue(claimsAsked.isEmpty(), "not claimed: its node is alive");
    assertEquals(List.of(PEER), submittedAt);
    assertEquals(2, submitted.get(0).attempt());
    assertEquals(ME, submitted.get(0).owner());
  }

  @Test
  void aQueuedTaskWithNoOwnerInItsRowIsSentAgainAndOneAnotherClientClaimedIsNot() {
    tasks.track(SPEC);
    rows.put(TASK, row(TaskState.QUEUED, PEER, null, 0));
    Reconciler r = reconciler();
    twoRounds(r);
    assertEquals(1, submitted.size(), "a row whose submission record never landed names no owner");
    rows.put(TASK, row(TaskState.QUEUED, PEER, new ClientId("c-other"), 1));
    clock.now.addAndGet(Reconciler.STALE_MS);
    r.round();
    assertEquals(1, submitted.size(), "another client's claimed run is theirs to watch");
  }

  @Test
  void aTaskIsComparedAtMostOnceEveryStalePeriod() {
    tasks.track(SPEC);
    rows.put(TASK, row(TaskState.RUNNING, PEER));
    Reconciler r = reconciler();
    r.round();
    clock.now.addAndGet(Reconciler.STALE_MS - 1);
    r.round();
    assertEquals(1, tasks.dueForCheck(clock.millis() + 1, Reconciler.STALE_MS, 10).size());
  }

  @Test
  void aTaskWhoseResultArrivedIsMarkedFinishedWhenAVerdictCallsItLost() {
    tasks.track(SPEC);
    tasks.complete(TaskDone.ok(TASK, PEER, "p", 2, 5, null));
    TaskId other = TaskId.child(TASK, 1);
    reconciler().afterVerdict(Set.of(TASK, other));
    assertEquals(List.of(TASK), markedDelivered);
  }

  @Test
  void theRowDecidesWhetherATaskCanEndByItself() {
    assertNotNull(Reconciler.whyRecover(null, n -> false));
    assertNull(Reconciler.whyRecover(row(TaskState.QUEUED, PEER), n -> false));
    assertNotNull(Reconciler.whyRecover(row(TaskState.QUEUED, PEER), n -> true));
    assertNotNull(Reconciler.whyRecover(row(TaskState.PENDING, null), n -> false));
    assertNotNull(Reconciler.whyRecover(row(TaskState.FAILED, PEER), n -> false));
  }
}
