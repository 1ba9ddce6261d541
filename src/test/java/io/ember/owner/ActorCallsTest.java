package io.ember.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.monitor.ClusterView;
import io.ember.owner.ActorCalls.ActorRow;
import io.ember.protocol.ActorDeath;
import io.ember.protocol.ActorPlacement;
import io.ember.protocol.NodeDeath;
import io.ember.owner.ActorRoute.State;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.api.ErrorCode;
import io.ember.protocol.RemoteFailure;
import io.ember.protocol.TaskDone;
import io.ember.util.Retry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client-side actor route as a state machine, driven with a fake table, a fake wire and a fake nano clock. */
class ActorCallsTest {
  static final JobId JOB = JobId.named("route");
  static final TaskId DRIVER = TaskId.driverOf(JOB);
  static final ActorId ACTOR = ActorId.of(TaskId.child(DRIVER, 0));
  static final ClientId ME = new ClientId("c-me");
  static final NodeId N1 = new NodeId("n1");
  static final NodeId N2 = new NodeId("n2");

  record Sent(NodeId node, ActorCallSpec call) {}

  final Vertx vertx = Vertx.vertx();
  final OwnedTasks tasks = new OwnedTasks();
  final ClusterView view = new ClusterView();
  final Map<ActorId, ActorRow> table = new ConcurrentHashMap<>();
  final AtomicInteger lookups = new AtomicInteger();
  final List<Sent> sent = new CopyOnWriteArrayList<>();
  final Promise<ActorPlacement> creation = Promise.promise();
  final List<NodeId> createdOn = new CopyOnWriteArrayList<>();
  final AtomicLong nanos = new AtomicLong();
  /** How many of the next sends nobody receives (the node's consumer not known here yet). */
  final AtomicInteger unreceived = new AtomicInteger();
  long counter = 1;
  final ActorCalls calls = new ActorCalls(ME, tasks, id -> {
    lookups.incrementAndGet();
    return Future.succeededFuture(table.get(id));
  }, new ActorCalls.ActorWire() {
    @Override
    public Future<ActorPlacement> create(NodeId node, ActorCreateSpec spec) {
      createdOn.add(node);
      return creation.future();
    }

    @Override
    public Future<Void> send(NodeId node, ActorCallSpec call) {
      sent.add(new Sent(node, call));
      return unreceived.getAndDecrement() > 0 ? Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no handlers")) : Future.succeededFuture();
    }
  }, view, () -> N1, 2_000, Retry.every(vertx, Clock.systemUTC(), ActorCalls.RESOLVE_POLL_MS), Clock.systemUTC(), nanos::get);

  @AfterEach
  void close() {
    vertx.close();
  }

  void create() {
    ClusterView.Peer home = view.peer(N1); // a live node the creation can be placed on
    home.host = "h1";
    home.schedulerSeenAt = 1;
    calls.create(new ActorCreateSpec(ACTOR, "a.Counter", List.of(), new LinkedHashMap<>(), -1, 100, 1000, ME), null);
  }

  ObjectId call(long seq) {
    return calls.call(TaskId.child(DRIVER, counter++), DRIVER, seq, ACTOR, "incr", List.of());
  }

  void eventually(String what, BooleanSupplier ok) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > until) throw new AssertionError("not within 10 s: " + what);
      LockSupport.parkNanos(1_000_000);
    }
  }

  Throwable failureOf(ObjectId out) throws Exception {
    try {
      tasks.location(out).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected " + out + " to fail");
  }

  List<Long> seqsSentTo(NodeId node) {
    return sent.stream().filter(s -> s.node().equals(node)).map(s -> s.call().seq()).toList();
  }

  @Test
  void callsWaitWhileCreatingThenGoInSeqOrderOnceCreated() throws Exception {
    create();
    assertEquals(State.CREATING, calls.stateOf(ACTOR));
    call(1);
    call(2);
    call(3);
    assertTrue(sent.isEmpty(), "nothing is sent before the actor exists");
    assertEquals(0, lookups.get(), "calls during creation do not look the actor up");
    creation.complete(new ActorPlacement(ACTOR, N2, 1));
    assertEquals(State.READY, calls.stateOf(ACTOR));
    assertEquals(List.of(1L, 2L, 3L), seqsSentTo(N2));
    assertEquals(N2, calls.whenCreated(ACTOR).result());
    call(4);
    assertEquals(List.of(1L, 2L, 3L, 4L), seqsSentTo(N2));
  }

  @Test
  void aRefusedCreationKillsTheRouteAndFailsEveryCallWithActorDied() throws Exception {
    create();
    ObjectId first = call(1);
    creation.fail(RemoteFailure.of(new ActorDiedException(ACTOR.toString(), "its constructor threw")));
    assertEquals(State.DEAD, calls.stateOf(ACTOR));
    ActorDiedException e = assertInstanceOf(ActorDiedException.class, failureOf(first));
    assertEquals(ACTOR.toString(), e.actorId());
    assertEquals("actor " + ACTOR + " is dead: its constructor threw", e.getMessage());
    assertInstanceOf(ActorDiedException.class, failureOf(call(2)), "a later call fails at once");
    assertTrue(calls.whenCreated(ACTOR).failed());
    assertTrue(sent.isEmpty());
  }

  @Test
  void aPlainRefusalWithTheActorDiedCodeStillNamesTheActor() throws Exception {
    create();
    ObjectId first = call(1);
    creation.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ErrorCode.ACTOR_DIED.code, "actor " + ACTOR + " is dead: x"));
    assertEquals(ACTOR.toString(), assertInstanceOf(ActorDiedException.class, failureOf(first)).actorId());
  }

  @Test
  void aCreationNobodyAnsweredIsLookedUpInTheTable() {
    create();
    call(1);
    table.put(ACTOR, new ActorRow(false, N2, 1, null));
    creation.fail(new ReplyException(ReplyFailure.TIMEOUT, "no answer"));
    eventually("resent to n2", () -> seqsSentTo(N2).equals(List.of(1L)));
    assertEquals(State.READY, calls.stateOf(ACTOR));
  }

  @Test
  void actorMovedIsConsumedThenTheActorIsFoundAgainAndEveryCallResentInSeqOrder() {
    create();
    creation.complete(new ActorPlacement(ACTOR, N1, 1));
    ObjectId c1 = call(1);
    call(2);
    call(3);
    assertEquals(List.of(1L, 2L, 3L), seqsSentTo(N1));
    table.put(ACTOR, new ActorRow(false, N2, 2, null));
    TaskDone moved = TaskDone.failed(c1.task(), N1, new TaskDone.Failure(ErrorCode.ACTOR_MOVED, "incr", "x", "not here", null, null));
    assertTrue(calls.onDone(moved), "an ACTOR_MOVED answer is not a result");
    eventually("all three resent to n2", () -> seqsSentTo(N2).size() == 3);
    assertEquals(List.of(1L, 2L, 3L), seqsSentTo(N2));
    assertEquals(State.READY, calls.stateOf(ACTOR));
    assertTrue(tasks.location(c1) != null && !tasks.location(c1).isComplete(), "the moved call still waits for its result");
  }

  @Test
  void anActorDiedAnswerFailsThatCallAndEveryPendingOneWithTheActorsId() throws Exception {
    create();
    creation.complete(new ActorPlacement(ACTOR, N1, 1));
    ObjectId c1 = call(1);
    ObjectId c2 = call(2);
    String message = "actor " + ACTOR + " is dead: its restart budget (0) is spent";
    TaskDone died = TaskDone.failed(c1.task(), N1, new TaskDone.Failure(ErrorCode.ACTOR_DIED, "incr", EmberException.class.getName(), message, null, null));
    assertTrue(calls.onDone(died));
    assertEquals(State.DEAD, calls.stateOf(ACTOR));
    for (ObjectId out : List.of(c1, c2)) {
      ActorDiedException e = assertInstanceOf(ActorDiedException.class, failureOf(out));
      assertEquals(ACTOR.toString(), e.actorId());
      assertEquals(message, e.getMessage());
    }
  }

  @Test
  void aLateActorMovedForAnAnsweredCallIsDroppedNotDelivered() {
    create();
    creation.complete(new ActorPlacement(ACTOR, N1, 1));
    ObjectId c1 = call(1);
    assertFalse(calls.onDone(TaskDone.ok(c1.task(), N2, "h", 1, 1, null)), "the answer goes to its caller");
    // the old incarnation wakes up (SIGCONT) and refuses the same call after it was answered
    TaskDone late = TaskDone.failed(c1.task(), N1, new TaskDone.Failure(ErrorCode.ACTOR_MOVED, "incr", "x", "cannot serve", null, null));
    assertTrue(calls.onDone(late), "a redirect is never an answer, even for a call no longer pending");
    assertEquals(State.READY, calls.stateOf(ACTOR));
  }

  @Test
  void anOrdinaryResultIsNotConsumed() {
    create();
    creation.complete(new ActorPlacement(ACTOR, N1, 1));
    ObjectId c1 = call(1);
    assertFalse(calls.onDone(TaskDone.ok(c1.task(), N1, "h", 1, 1, null)));
  }

  @Test
  void aStalledActorIsLookedUpAgainAfterThreeSecondsWithoutProgress() {
    create();
    creation.complete(new ActorPlacement(ACTOR, N1, 1));
    call(1);
    table.put(ACTOR, new ActorRow(false, N1, 1, null));
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(2_900));
    calls.tick();
    assertEquals(0, lookups.get(), "not yet stalled");
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
    calls.tick();
    assertEquals(State.RESOLVING, calls.stateOf(ACTOR));
    // the same place as before is only taken after a pause: then the call is re-sent there
    eventually("re-sent to n1", () -> seqsSentTo(N1).equals(List.of(1L, 1L)));
    assertTrue(lookups.get() >= 2);
    assertEquals(State.READY, calls.stateOf(ACTOR));
  }

  @Test
  void aVerdictMovesCallsToTheNewIncarnationOrKillsTheActor() throws Exception {
    create();
    creation.complete(new ActorPlacement(ACTOR, N1, 1));
    ObjectId c1 = call(1);
    calls.onNodeDead(new NodeDeath(N1, "gone", 0, N2, List.of(), List.of(new ActorPlacement(ACTOR, N2, 2)), List.of()));
    assertEquals(List.of(1L), seqsSentTo(N2));
    calls.onNodeDead(new NodeDeath(N2, "gone", 0, N1, List.of(), List.of(), List.of(new ActorDeath(ACTOR, "its restart budget (1) is spent"))));
    assertEquals(State.DEAD, calls.stateOf(ACTOR));
    assertEquals("actor " + ACTOR + " is dead: its restart budget (1) is spent", failureOf(c1).getMessage());
  }

  @Test
  void aRowThatAppearsLateIsFoundNotCachedAsUnknown() {
    ObjectId c1 = call(1);
    eventually("a few lookups that find no row", () -> lookups.get() >= 3);
    assertEquals(State.RESOLVING, calls.stateOf(ACTOR));
    table.put(ACTOR, new ActorRow(false, N2, 1, null)); // the creation's write lands
    eventually("the call sent to the actor's node", () -> sent.size() == 1);
    assertEquals(N2, sent.get(0).node());
    assertFalse(tasks.location(c1).isComplete());
  }

  @Test
  void aCreationWaitsForANodeThatFitsToBeKnown() {
    calls.create(new ActorCreateSpec(ACTOR, "a.Counter", List.of(), new LinkedHashMap<>(), -1, 100, 1000, ME), null);
    assertEquals(State.CREATING, calls.stateOf(ACTOR));
    ClusterView.Peer joined = view.peer(N2); // its first heartbeat arrives
    joined.host = "h2";
    joined.schedulerSeenAt = 1;
    eventually("the creation sent to the node that joined", () -> createdOn.equals(List.of(N2)));
    creation.complete(new ActorPlacement(ACTOR, N2, 1));
    eventually("created", () -> calls.stateOf(ACTOR) == State.READY);
  }

  @Test
  void aCallNobodyAcknowledgedIsSentAgainToTheSameNode() {
    table.put(ACTOR, new ActorRow(false, N2, 1, null));
    unreceived.set(2); // a node that just joined: the first two sends find no consumer
    ObjectId c1 = call(1);
    eventually("the call sent three times", () -> sent.size() == 3);
    assertTrue(sent.stream().allMatch(x -> x.node().equals(N2) && x.call().returnId().equals(c1)));
    assertEquals(State.READY, calls.stateOf(ACTOR));
  }

  @Test
  void noRowWithinTheTimeoutFailsTheCallsButTheNextCallLooksAgain() throws Exception {
    ObjectId c1 = call(1);
    EmberException unknown = assertInstanceOf(EmberException.class, failureOf(c1));
    assertEquals(ErrorCode.UNKNOWN_ACTOR, unknown.code());
    assertEquals(State.NEW, calls.stateOf(ACTOR));

    table.put(ACTOR, new ActorRow(false, N2, 1, null));
    call(2);
    eventually("the next call sent to the actor's node", () -> sent.size() == 1);
  }

  @Test
  void anActorNeverServedWithinTheTimeoutIsUnavailable() throws Exception {
    ActorId other = ActorId.of(TaskId.child(DRIVER, 99));
    table.put(other, new ActorRow(false, null, 1, null)); // unplaced: never served within the 2 s timeout
    ObjectId c2 = calls.call(TaskId.child(DRIVER, 100), DRIVER, 1, other, "incr", List.of());
    EmberException unavailable = assertInstanceOf(EmberException.class, failureOf(c2));
    assertEquals(ErrorCode.UNAVAILABLE, unavailable.code());
  }

  @Test
  void aKillWaitsForThisClientsCreationThenFailsEveryPendingAndLaterCallWithItsReason() throws Exception {
    create();
    ObjectId before = call(1);
    AtomicInteger killed = new AtomicInteger();
    ActorDiedException why = new ActorDiedException(ACTOR.toString(), ActorDiedException.KILLED);
    Future<Boolean> k = calls.kill(ACTOR, () -> {
      killed.incrementAndGet();
      return Future.succeededFuture(true);
    }, why);
    assertEquals(0, killed.get(), "the kill waits while the creation has no answer (the row may not exist yet)");
    creation.complete(new ActorPlacement(ACTOR, N1, 1));
    eventually("the kill ran", () -> k.succeeded());
    assertEquals(1, killed.get());
    assertEquals(State.DEAD, calls.stateOf(ACTOR));
    assertTrue(failureOf(before).getMessage().endsWith("killed"), failureOf(before).getMessage());
    assertEquals(why, failureOf(call(2)));
  }

  @Test
  void aKillOfAnActorThatWasDeadAlreadyLeavesItsOwnReasonToTheTable() throws Exception {
    Future<Boolean> k = calls.kill(ACTOR, () -> Future.succeededFuture(false), new ActorDiedException(ACTOR.toString(), "killed"));
    eventually("the kill ran", () -> k.succeeded());
    table.put(ACTOR, new ActorRow(true, N1, 1, "its constructor threw"));
    Throwable e = failureOf(call(1));
    assertTrue(e.getMessage().endsWith("its constructor threw"), e.getMessage());
  }
}
