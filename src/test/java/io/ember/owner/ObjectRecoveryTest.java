package io.ember.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.ObjectLostException;
import io.ember.api.TaskCancelledException;
import io.ember.api.TaskFailedException;
import io.ember.gcs.ObjectRecord;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.monitor.ClusterView;
import io.ember.object.Location;
import io.ember.gcs.Claim;
import io.ember.gcs.ClaimOutcome;
import io.ember.gcs.TaskFailure;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Owner-side recovery with fake tables and a clock: every claim outcome, the retry budget, and what the errors name. */
class ObjectRecoveryTest extends RecoveryFakes {
  @Test
  void claimedIsResubmittedAtHomeAsTheClaimedAttemptOwnedByUsAndRecorded() throws Exception {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.CLAIMED, ME, 2, null));
    Future<Location> where = recovery().recover(TASK, SPEC, "node x died", deadline());
    assertEquals(List.of(HOME), submittedAt);
    assertEquals(2, submitted.get(0).attempt());
    assertEquals(ME, submitted.get(0).owner());
    assertEquals("task-resubmitted", ledger.get(0).getString("kind"));
    assertEquals(TASK.toString(), ledger.get(0).getString("task"));
    assertEquals(2, ledger.get(0).getInteger("attempt"));
    assertEquals("node x died", ledger.get(0).getString("reason"));
    assertEquals(HOME.value(), claimsAsked.get(0).node());
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1234, 5, null));
    assertEquals(new Location(PEER, "h", 1234, 5), await(where));
  }

  @Test
  void aTaskItsOwnerCancelledIsNeverReRun() {
    tasks.track(SPEC);
    tasks.cancel(TASK);
    TaskCancelledException e = assertInstanceOf(TaskCancelledException.class, failure(recovery().recover(TASK, SPEC, "node x died", deadline())));
    assertEquals(TASK.toString(), e.taskId());
    recovery().recoverLost(true, Set.of(TASK), "its node died", deadline());
    assertTrue(claimsAsked.isEmpty(), "not even claimed");
    assertTrue(submitted.isEmpty());
  }

  @Test
  void aClaimOfATaskWithSeveralReturnsAsksForEachAndExistsGivesTheCopyOfTheObjectAsked() throws Exception {
    TaskSpec three = new TaskSpec(TASK, SPEC.job(), SPEC.function(), List.of(), SPEC.resources(), 3, false, ME, 0, 3);
    ObjectId second = ObjectId.of(TASK, 2);
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.EXISTS, null, 0, null));
    ClusterView.Peer live = view.peer(PEER);
    live.host = "p";
    live.transferPort = 2;
    objects.put(second, new ObjectRecord(second, 7, TASK, "task", new LinkedHashSet<>(List.of(PEER))));
    specs.put(TASK, three);
    assertEquals(new Location(PEER, "p", 2, 7), await(recovery().recover(second, "why", deadline())));
    assertEquals(List.of(3), returnsAsked, "the claim checks every return object");
  }

  @Test
  void theReturnObjectsOfOneTaskLostTogetherAreClaimedOnceNotOnceEach() throws Exception {
    TaskSpec three = new TaskSpec(TASK, SPEC.job(), SPEC.function(), List.of(), SPEC.resources(), 3, false, ME, 0, 3);
    claims = n -> Future.succeededFuture(n == 1 ? claim(ClaimOutcome.CLAIMED, ME, 1, null) : claim(ClaimOutcome.EXISTS, null, 0, null));
    ClusterView.Peer live = view.peer(PEER);
    live.host = "p";
    live.transferPort = 2;
    for (int i = 1; i <= 3; i++) objects.put(ObjectId.of(TASK, i), new ObjectRecord(ObjectId.of(TASK, i), i, TASK, "task", new LinkedHashSet<>(List.of(PEER))));
    specs.put(TASK, three);
    ObjectRecovery r = recovery();
    List<Future<Location>> all = new ArrayList<>();
    for (int i = 1; i <= 3; i++) all.add(r.recover(ObjectId.of(TASK, i), "its node died", deadline()));
    assertEquals(1, claimsAsked.size(), "one claim while the re-run is under way");
    assertEquals(1, submitted.size());
    tasks.complete(TaskDone.ok(TASK, PEER, "p", 2, 6, null));
    assertEquals(PEER, await(all.get(0)).node());
    assertEquals(new Location(PEER, "p", 2, 2), await(all.get(1)), "then each finds its own copy");
    assertEquals(new Location(PEER, "p", 2, 3), await(all.get(2)));
    assertEquals(1, submitted.size(), "run once");
  }

  /**
   * No row: a fresh attempt each time, above any this owner handed out. A node drops a second copy
   * of an attempt it was handed, so re-sending the same attempt to a home that had run (or passed
   * on) the first one, whose answer was what got lost, would never run it again: seen as a 60 s
   * hang after Redis lost its tables mid-DAG.
   */
  @Test
  void missingIsResubmittedAsAFreshAttemptEachTime() {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.MISSING, null, 0, null));
    tasks.track(SPEC.withAttempt(1));
    recovery().recover(TASK, SPEC.withAttempt(1), "why", deadline());
    assertEquals(2, submitted.get(0).attempt());
    assertEquals(1, ledger.size());
    recovery().recover(TASK, SPEC.withAttempt(1), "lost again", deadline());
    assertEquals(3, submitted.get(1).attempt());
  }

  @Test
  void inProgressUnderUsWaitsForOurOwnResult() throws Exception {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.IN_PROGRESS, ME, 0, null));
    Future<Location> where = recovery().recover(TASK, SPEC, "why", deadline());
    assertTrue(submitted.isEmpty());
    assertTrue(ownersAsked.isEmpty());
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1, 5, null));
    assertEquals(PEER, await(where).node());
  }

  @Test
  void inProgressUnderAnotherOwnerAsksThatOwner() throws Exception {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.IN_PROGRESS, new ClientId("c-other"), 0, null));
    ownerAnswer = Future.succeededFuture(new Location(PEER, "h", 1, 5));
    assertEquals(PEER, await(recovery().recover(TASK, SPEC, "why", deadline())).node());
    assertEquals(List.of(new ClientId("c-other")), ownersAsked);
  }

  @Test
  void anOwnerThatDoesNotAnswerMeansAnotherRoundWithTheTablesSpec() throws Exception {
    claims = n -> Future.succeededFuture(n == 1 ? claim(ClaimOutcome.IN_PROGRESS, new ClientId("c-gone"), 0, null) : claim(ClaimOutcome.CLAIMED, ME, 1, null));
    specs.put(TASK, SPEC);
    Future<Location> where = recovery().recover(TASK, SPEC, "why", deadline());
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (submitted.isEmpty() && System.nanoTime() < until) Thread.onSpinWait();
    assertEquals(2, claimsAsked.size());
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1, 5, null));
    assertEquals(PEER, await(where).node());
  }

  /**
   * The chaos soak's case: the node that accepted the submission was fenced before its writes
   * (the spec, the owner) landed, and the node it forwarded the task to recorded only states.
   * The row names no owner and the table has no spec; the spec held here names this client, so
   * it waits for its own run instead of failing with UNKNOWN_OBJECT ("no lineage").
   */
  @Test
  void aRunWhoseRowNamesNoOwnerIsOursWhenOurSpecSaysSoEvenWithNoSpecInTheTable() throws Exception {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.IN_PROGRESS, null, 0, null));
    Future<Location> where = recovery().recover(TASK, SPEC, "why", deadline());
    assertEquals(1, claimsAsked.size());
    assertEquals(List.of(), ownersAsked, "no owner to ask");
    assertTrue(submitted.isEmpty(), "its run is in progress: not re-run");
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1, 5, null));
    assertEquals(PEER, await(where).node());
  }

  @Test
  void aRunWhoseRowNamesNoOwnerIsAskedOfTheClientItsSpecNames() throws Exception {
    ClientId other = new ClientId("c-other");
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.IN_PROGRESS, null, 0, null));
    ownerAnswer = Future.succeededFuture(new Location(PEER, "h", 1, 5));
    TaskSpec theirs = new TaskSpec(TASK, SPEC.job(), SPEC.function(), SPEC.args(), SPEC.resources(), 3, false, other, 0);
    assertEquals(PEER, await(recovery().recover(TASK, theirs, "why", deadline())).node());
    assertEquals(List.of(other), ownersAsked);
  }

  /** A claim Redis did not answer in time may or may not have been applied: the next round's claim finds out which. */
  @Test
  void aClaimThatFoundRedisUnavailableIsTriedAgain() throws Exception {
    claims = n -> n == 1 ? Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "Redis at h:1: timeout"))
        : Future.succeededFuture(claim(ClaimOutcome.CLAIMED, ME, 1, null));
    Future<Location> where = recovery().recover(TASK, SPEC, "why", deadline());
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (submitted.isEmpty() && System.nanoTime() < until) Thread.onSpinWait();
    assertEquals(2, claimsAsked.size());
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1, 5, null));
    assertEquals(PEER, await(where).node());
  }

  /**
   * A result this owner received from a node that was fenced before its rows landed, and that
   * then died: the table has no spec, the owner kept the lineage. It is re-run (the claim finds
   * no row: a fresh attempt), not failed with UNKNOWN_OBJECT.
   */
  @Test
  void aFinishedTaskWithNoRowIsReRunFromTheLineageItsOwnerKept() throws Exception {
    tasks.track(SPEC);
    tasks.complete(TaskDone.ok(TASK, new NodeId("gone"), "g", 1, 5, null));
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.MISSING, null, 0, null));
    Future<Location> where = recovery().recover(TASK, null, "its copy was on a dead node", deadline());
    assertEquals(List.of(HOME), submittedAt);
    assertEquals(1, submitted.get(0).attempt());
    tasks.complete(TaskDone.ok(TASK, PEER, "h", 1, 5, null));
    assertEquals(PEER, await(where).node());
  }

  @Test
  void existsGivesTheFirstLiveCopy() throws Exception {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.EXISTS, null, 0, null));
    ClusterView.Peer dead = view.peer(new NodeId("dead"));
    dead.host = "d";
    dead.transferPort = 1;
    dead.dead = true;
    ClusterView.Peer live = view.peer(PEER);
    live.host = "p";
    live.transferPort = 2;
    objects.put(OUT, new ObjectRecord(OUT, 5, TASK, "task", new LinkedHashSet<>(List.of(new NodeId("dead"), PEER))));
    assertEquals(new Location(PEER, "p", 2, 5), await(recovery().recover(TASK, SPEC, "why", deadline())));
  }

  @Test
  void existsWithoutALiveCopyIsTriedAgainUntilTheDeadlineThenSaysWhy() {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.EXISTS, null, 0, null));
    long deadline = clock.millis() + 1_000; // each claim takes 100 ms of the fake clock
    Throwable err = failure(recovery().recover(TASK, SPEC, "why", deadline));
    EmberException e = assertInstanceOf(EmberException.class, err);
    assertEquals(ErrorCode.OBJECT_LOST, e.code());
    assertTrue(e.getMessage().contains(OUT.toString()), e.getMessage());
    assertEquals(10, claimsAsked.size(), "one claim a round until the deadline");
  }

  @Test
  void failedInUserCodeIsTheRecordedTaskFailure() {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.FAILED, null, 0,
        new TaskFailure(ErrorCode.TASK_FAILED, "java.lang.ArithmeticException", "/ by zero: x y", null)));
    TaskFailedException e = assertInstanceOf(TaskFailedException.class, failure(recovery().recover(TASK, SPEC, "why", deadline())));
    assertEquals(TASK.toString(), e.taskId());
    assertEquals("a.Fns.square", e.function());
    assertEquals("java.lang.ArithmeticException", e.remoteType());
    assertEquals("/ by zero: x y", e.remoteMessage());
    assertTrue(submitted.isEmpty());
  }

  @Test
  void aFailureRecordedByAnOlderVersionIsTheUserCodesWithItsTextUnparsed() {
    String text = "TASK_FAILED java.lang.ArithmeticException: / by zero";
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.FAILED, null, 0, new TaskFailure(null, null, text, null)));
    TaskFailedException e = assertInstanceOf(TaskFailedException.class, failure(recovery().recover(TASK, SPEC, "why", deadline())));
    assertEquals(ErrorCode.TASK_FAILED, e.code());
    assertEquals(TASK.toString(), e.taskId());
    assertNull(e.remoteType());
    assertEquals(text, e.remoteMessage());
    assertEquals("task " + TASK + " (a.Fns.square) failed: " + text, e.getMessage());
  }

  @Test
  void aRecordedActorDeathOrObjectLossNamesTheIdItWasAbout() {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.FAILED, null, 0,
        new TaskFailure(ErrorCode.ACTOR_DIED, ActorDiedException.class.getName(), "actor a-9 is dead: gone", "a-9")));
    ActorDiedException died = assertInstanceOf(ActorDiedException.class, failure(recovery().recover(TASK, SPEC, "why", deadline())));
    assertEquals("a-9", died.actorId());
    assertEquals("actor a-9 is dead: gone", died.getMessage());

    claims = n -> Future.succeededFuture(claim(ClaimOutcome.FAILED, null, 0,
        new TaskFailure(ErrorCode.OBJECT_LOST, ObjectLostException.class.getName(), "object o-3 is lost: gone", "o-3")));
    ObjectLostException lost = assertInstanceOf(ObjectLostException.class, failure(recovery().recover(TASK, SPEC, "why", deadline())));
    assertEquals("o-3", lost.objectId());
  }

  @Test
  void exhaustedNamesTheObjectTheTaskAndTheAttempts() {
    claims = n -> Future.succeededFuture(claim(ClaimOutcome.EXHAUSTED, null, 3, new TaskFailure(null, null, "node n2 died: lost", null)));
    ObjectLostException e = assertInstanceOf(ObjectLostException.class, failure(recovery().recover(TASK, SPEC, "why", deadline())));
    assertEquals(OUT.toString(), e.objectId());
    assertTrue(e.getMessage().contains("its task " + TASK + " (a.Fns.square) was run 4 times"), e.getMessage());
    assertTrue(e.getMessage().contains("system-failure retries (3) are spent: node n2 died: lost"), e.getMessage());
    assertEquals(1, claimsAsked.size(), "an exhausted task is not claimed again");
    assertEquals(3, claimsAsked.get(0).attempts(), "the claim carries the retry budget");
  }

  @Test
  void withoutLineageAPutObjectIsLostAndAnythingElseUnknown() {
    ObjectId put = ObjectId.of(TASK, 0);
    objects.put(put, new ObjectRecord(put, 5, TASK, "put", Set.of()));
    ObjectLostException lost = assertInstanceOf(ObjectLostException.class, failure(recovery().recover(TASK, null, "why", deadline())));
    assertEquals(put.toString(), lost.objectId());
    assertTrue(lost.getMessage().contains("a put object whose every copy was on dead nodes"));
    objects.clear();
    EmberException unknown = assertInstanceOf(EmberException.class, failure(recovery().recover(TASK, null, "why", deadline())));
    assertEquals(ErrorCode.UNKNOWN_OBJECT, unknown.code());
    assertTrue(claimsAsked.isEmpty());
  }

  @Test
  void withoutLineageAPutWithALiveCopyLeftIsFoundThere() throws Exception {
    ObjectId put = ObjectId.of(TASK, 0);
    ClusterView.Peer dead = view.peer(new NodeId("dead"));
    dead.host = "d";
    dead.transferPort = 1;
    dead.dead = true;
    ClusterView.Peer live = view.peer(PEER);
    live.host = "p";
    live.transferPort = 2;
    objects.put(put, new ObjectRecord(put, 5, TASK, "put", new LinkedHashSet<>(List.of(new NodeId("dead"), PEER))));
    assertEquals(new Location(PEER, "p", 2, 5), await(recovery().recover(put, "its first copy died", deadline())));
    live.dead = true; // the second holder dies too: lost, naming the put, at once
    ObjectLostException lost = assertInstanceOf(ObjectLostException.class, failure(recovery().recover(put, "why", deadline())));
    assertEquals(put.toString(), lost.objectId());
    assertTrue(claimsAsked.isEmpty(), "a put has no lineage to claim");
  }

  @Test
  void withoutLineageAnActorOutputIsRebuilt() throws Exception {
    objects.put(OUT, new ObjectRecord(OUT, 5, TASK, "actor:abc", Set.of()));
    assertEquals(PEER, await(recovery().recover(TASK, null, "why", deadline())).node());
  }

  @Test
  void atMostSixtyFourClaimsAreInFlight() {
    Promise<Claim> never = Promise.promise();
    claims = n -> never.future();
    ObjectRecovery r = recovery();
    List<Future<Location>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) all.add(r.recover(TaskId.child(TASK, i), SPEC, "why", deadline()));
    assertEquals(ObjectRecovery.CLAIMS_IN_FLIGHT, claimsAsked.size());
    never.complete(claim(ClaimOutcome.IN_PROGRESS, ME, 0, null));
    assertEquals(100, claimsAsked.size(), "each completion lets a waiting claim go");
    assertNull(all.get(0).cause());
  }
}
