package io.ember.owner;

import io.ember.api.ActorDiedException;
import io.ember.gcs.ActorState;
import io.ember.api.EmberException;
import io.ember.gcs.ActorTable;
import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.monitor.ClusterView;
import io.ember.owner.ActorRoute.State;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.protocol.ActorDeath;
import io.ember.protocol.ActorPlacement;
import io.ember.protocol.NodeDeath;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.ember.util.Retry;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A client's side of actors: where each actor it calls is (node and incarnation), and every call it made that has no
 * final answer yet. When the actor moves (its node died and the monitor recreated it, or a node answered that it
 * does not host it), the client finds it again in the actor table and re-sends those calls, each caller's in seq
 * order; the actor runs the ones it had not logged and answers the others from their recorded results. Calls made
 * while the actor is being created or moved wait here. Once the actor is dead, every pending and later call fails
 * with {@link ActorDiedException}. It never runs an actor and never writes the actor table.
 *
 * <p>Each actor's route ({@link ActorRoute}) is a state machine; every transition goes through {@link #moveTo}:
 * <pre>
 *            (1) create()          (3) created / (7) placed
 *   NEW ───────────────────► CREATING ─────────────────────────► READY ◄──┐
 *    │                          │ (4) no answer                     │  ▲    │ (7) placed
 *    │ (2) first call           ▼              (5) table: live node │  │    │ (re-sends)
 *    └─────────────────────► RESOLVING ─────────────────────────────┼──┘    │
 *                               ▲   (6) ACTOR_MOVED, stall, node died│       │
 *                               └────────────────────────────────────┘───────┘
 *   (8) any state ──► DEAD: creation refused, the table says DEAD, an ACTOR_DIED answer, a verdict that says it
 *       died, or this client killed it ({@link #kill}). Final.
 *   (9) RESOLVING ──► NEW: no live node served it (or no row existed) within the timeout: the waiting calls fail,
 *       the next call looks again. Nothing but the table's DEAD is final.
 * </pre>
 * <ol>
 *   <li>NEW → CREATING: this client sends the creation.</li>
 *   <li>NEW → RESOLVING: a call of an actor this client did not create: look it up.</li>
 *   <li>CREATING → READY: the node answered the creation with where it runs.</li>
 *   <li>CREATING → RESOLVING: nobody answered the creation: the table says whether it exists.</li>
 *   <li>RESOLVING → READY: the table names a live node (the same place as before only after a pause).</li>
 *   <li>READY → RESOLVING: its node answered ACTOR_MOVED, no call progressed for {@value #STALL_MS} ms, or its node died.</li>
 *   <li>any live state → READY: a verdict placed it at a newer incarnation.</li>
 *   <li>any state → DEAD.</li>
 *   <li>RESOLVING → NEW: the lookup timed out; its calls fail with UNKNOWN_ACTOR (no row was ever seen) or
 *       UNAVAILABLE (a row, but no live node served it).</li>
 * </ol>
 * <b>No row is not "unknown" yet.</b> A handle can reach another node (in a task's arguments) before its creation
 * has written the actor's row, so a lookup that finds no row keeps looking until the caller's timeout; only then do
 * the waiting calls fail with {@code UNKNOWN_ACTOR} ("never created, or its creation never completed"). The failure
 * is not remembered: the next call looks up again.
 * Entering READY re-sends every unanswered call (each caller's in seq order) when the place changed or calls wait.
 * Safe from any thread.
 */
public final class ActorCalls {
  static final long RESOLVE_POLL_MS = 50;
  static final long STALL_MS = 3000;
  /** How long a creation waits for a live node that fits before its home is asked (and refuses with the reason). */
  static final long PLACE_WAIT_MS = 5_000;
  private static final long STALL_NANOS = STALL_MS * 1_000_000L;

  /** The actor table as the route reads it: null when there is no row. */
  public record ActorRow(boolean dead, NodeId node, long incarnation, String error) {}

  /** Reads actor rows. */
  public interface ActorRows {
    Future<ActorRow> row(ActorId actor);

    /** Over the GCS actor table: the one adapter to change when it moves. */
    static ActorRows of(ActorTable table) {
      return actor -> table.row(actor).map(r -> r == null ? null
          : new ActorRow(r.state() == ActorState.DEAD, r.node().isEmpty() ? null : new NodeId(r.node()), r.incarnation(), r.error()));
    }
  }

  /** What the route sends. */
  public interface ActorWire {
    /**
     * Asks {@code node} to create the actor: completes with where it runs; fails with what
     * {@link Failures#creationRefusal} reads as a refusal, or with anything else if nobody answered.
     */
    Future<ActorPlacement> create(NodeId node, ActorCreateSpec spec);

    /** Hands a call to the actor's node: completes once that node holds it (its result comes to the owner's inbox later). */
    Future<Void> send(NodeId node, ActorCallSpec call);
  }

  private final ClientId clientId;
  private final OwnedTasks tasks;
  private final ActorRows rows;
  private final ActorWire wire;
  private final ClusterView view;
  private final Supplier<NodeId> home;
  private final long timeoutMs;
  private final Retry lookups;
  private final Clock clock;
  private final LongSupplier nanos;
  private final Map<ActorId, ActorRoute> actors = new ConcurrentHashMap<>();
  private final Map<TaskId, ActorRoute> byCall = new ConcurrentHashMap<>();

  public ActorCalls(ClientId clientId, OwnedTasks tasks, ActorRows rows, ActorWire wire, ClusterView view, Supplier<NodeId> home,
      long timeoutMs, Retry lookups, Clock clock, LongSupplier nanos) {
    this.clientId = clientId;
    this.tasks = tasks;
    this.rows = rows;
    this.wire = wire;
    this.view = view;
    this.home = home;
    this.timeoutMs = timeoutMs;
    this.lookups = lookups;
    this.clock = clock;
    this.nanos = nanos;
  }

  private ActorRoute route(ActorId actor) {
    return actors.computeIfAbsent(actor, a -> new ActorRoute(a, nanos.getAsLong()));
  }

  /** The one way a route changes state; false if the diagram does not allow it (a dead route stays dead). */
  private boolean moveTo(ActorRoute r, State to) {
    return r.move(to);
  }

  /** The state of the route to {@code actor} (NEW if this client never heard of it). */
  State stateOf(ActorId actor) {
    ActorRoute r = actors.get(actor);
    return r == null ? State.NEW : r.state();
  }

  // ---- creation ---------------------------------------------------------------------------

  /**
   * Creates the actor on the node {@link ActorPlace#choose} picks (transition 1), then follows its answer
   * (3, 4 or 8). When no live node this client knows of fits, it looks again for up to
   * {@value #PLACE_WAIT_MS} ms (a node that just joined is known once its first heartbeat
   * arrives), then asks its home, which answers with the reason.
   */
  public void create(ActorCreateSpec spec, String onNode) {
    ActorRoute r = route(spec.actor());
    moveTo(r, State.CREATING);
    lookups.until(clock.millis() + PLACE_WAIT_MS, () -> {
      NodeId fits = ActorPlace.choose(view, spec, onNode, home.get());
      return fits != null ? Future.succeededFuture(fits) : Future.<NodeId>failedFuture(NOT_YET);
    }).otherwise(err -> home.get()).onSuccess(target -> createOn(r, target, spec));
  }

  private void createOn(ActorRoute r, NodeId target, ActorCreateSpec spec) {
    wire.create(target, spec).onComplete(ar -> {
      if (ar.succeeded()) {
        located(r, ar.result().node(), ar.result().incarnation());
        return;
      }
      EmberException refused = Failures.creationRefusal(spec.actor(), ar.cause());
      if (refused != null) {
        dead(r, refused);
      } else {
        resolve(r); // no answer: the actor may exist anyway (the table says)
      }
    });
  }

  /** Completes with the actor's node once it is created (fails with why it could not be). */
  public Future<NodeId> whenCreated(ActorId actor) {
    return route(actor).created.future();
  }

  /** A kill: runs {@code kill} once this client's creation has an answer; if that ended it (true), transition 8 with {@code why}. */
  public Future<Boolean> kill(ActorId actor, Supplier<Future<Boolean>> kill, EmberException why) {
    ActorRoute r = actors.get(actor);
    Future<?> created = r != null && r.state() == State.CREATING ? r.created.future() : Future.succeededFuture();
    return created.transform(ar -> kill.get()).onSuccess(ended -> {
      if (ended) dead(route(actor), why); // dead already: the next call reads why from the table
    });
  }

  // ---- calls ------------------------------------------------------------------------------

  /** Calls {@code method} of {@code actor} as call {@code id}, the {@code seq}-th of {@code caller}; returns its output's id. */
  public ObjectId call(TaskId id, TaskId caller, long seq, ActorId actor, String method, List<TaskSpec.Arg> args) {
    ActorRoute r = route(actor);
    ActorCallSpec c = new ActorCallSpec(id, actor, caller, seq, method, args, clientId);
    tasks.expect(id);
    if (r.state() == State.DEAD) {
      tasks.fail(id, r.dead);
      return c.returnId();
    }
    r.unacked.put(id, c);
    byCall.put(id, r);
    State s = r.state();
    if (s == State.READY) {
      send(r, r.node, c);
    } else if (s != State.CREATING) {
      resolve(r); // transition 2 (or a lookup already under way)
    }
    return c.returnId();
  }

  /** For a completion of {@code call}: the node it was sent to, and the node the actor table names; null if it waits for none. */
  public CompletionCheck.Expected expectedFor(TaskId call) {
    ActorRoute r = byCall.get(call);
    return r == null ? null : new CompletionCheck.Expected(r.node, () -> rows.row(r.id).map(a -> a == null ? null : a.node()));
  }

  /**
   * A result arrived for a call (any thread). Returns true if it was consumed here: the node does
   * not serve the actor any more (the call waits to be re-sent where it is now), or the actor
   * died (the call failed with the typed error, as every other pending one).
   */
  public boolean onDone(TaskDone d) {
    ActorRoute r = byCall.get(d.task());
    boolean moved = !d.ok() && d.error().code() == ErrorCode.ACTOR_MOVED;
    // "moved" is a redirect, never an answer: one that comes after the call was answered (an old
    // incarnation, a zombie after SIGCONT) must not overwrite the result its caller already has
    if (r == null) return moved;
    if (moved) {
      if (d.node() == null || d.node().equals(r.node)) moveTo(r, State.RESOLVING); // transition 6
      resolve(r);
      return true;
    }
    byCall.remove(d.task());
    r.unacked.remove(d.task());
    r.progressAt = nanos.getAsLong();
    if (!d.ok() && d.error().code() == ErrorCode.ACTOR_DIED) {
      ActorDiedException died = Failures.actorDied(r.id, d.error());
      dead(r, died);
      tasks.fail(d.task(), died);
      return true;
    }
    return false;
  }

  /**
   * Safety net, about once a second: an actor with calls that have had no answer for a while
   * (a verdict this client never heard, a message lost with a node) is looked up again and its
   * unanswered calls re-sent (transition 6). The actor answers a re-sent call it already logged
   * from the record, and ignores one it is still running, so this never applies a call twice.
   */
  public void tick() {
    long now = nanos.getAsLong();
    for (ActorRoute r : actors.values()) {
      State s = r.state();
      if (r.unacked.isEmpty() || s == State.DEAD || s == State.CREATING) continue;
      if (now - r.progressAt > STALL_NANOS) {
        r.progressAt = now;
        resolve(r);
      }
    }
  }

  /** Transitions 3, 5 and 7: the actor runs at {@code node}, incarnation {@code incarnation}. */
  private void located(ActorRoute r, NodeId node, long incarnation) {
    if (r.state() == State.DEAD) return;
    boolean changed = !node.equals(r.node) || incarnation != r.incarnation;
    r.node = node;
    r.incarnation = incarnation;
    if (!moveTo(r, State.READY)) return;
    r.created.tryComplete(node);
    if (changed || !r.unacked.isEmpty()) resendAll(r);
  }

  /** Every call without a final answer, each caller's in seq order. */
  private void resendAll(ActorRoute r) {
    r.progressAt = nanos.getAsLong();
    List<ActorCallSpec> calls = new ArrayList<>(r.unacked.values());
    calls.sort(Comparator.comparing((ActorCallSpec c) -> c.caller().toString()).thenComparingLong(ActorCallSpec::seq));
    for (ActorCallSpec c : calls) send(r, r.node, c);
  }

  /**
   * Sends a call; one that {@code node} did not acknowledge (it died, hangs, or this node does
   * not see its consumer yet) makes the actor be looked up again (transition 6), which re-sends
   * every unanswered call, to the same node after a pause.
   */
  private void send(ActorRoute r, NodeId node, ActorCallSpec c) {
    wire.send(node, c).onFailure(err -> {
      if (!r.unacked.containsKey(c.id()) || !node.equals(r.node)) return; // answered, or moved on since
      moveTo(r, State.RESOLVING);
      resolve(r);
    });
  }

  /** Transition 8: fails the creation's waiters and every pending call with {@code why}. */
  private void dead(ActorRoute r, EmberException why) {
    if (r.state() == State.DEAD) return;
    r.dead = why;
    if (!moveTo(r, State.DEAD)) return;
    failPending(r, why);
  }

  /**
   * Looks the actor up in the table every {@value #RESOLVE_POLL_MS} ms until a live node hosts
   * it (or it is dead, or never existed, or the timeout passes), then re-sends its pending calls
   * there. One lookup loop per actor at a time.
   */
  private void resolve(ActorRoute r) {
    if (r.state() == State.DEAD || !r.lookingUp.compareAndSet(false, true)) return;
    moveTo(r, State.RESOLVING);
    long deadline = clock.millis() + timeoutMs;
    NodeId before = r.node;
    long incBefore = r.incarnation;
    AtomicInteger round = new AtomicInteger();
    r.rowSeen = false;
    lookups.until(deadline, () -> lookUp(r, before, incBefore, round.getAndIncrement())).onComplete(ar -> {
      r.lookingUp.set(false);
      if (ar.failed()) {
        gaveUp(r, r.rowSeen
            ? new EmberException(ErrorCode.UNAVAILABLE, "actor " + r.id + " was not served by any live node within " + timeoutMs + " ms")
            : new EmberException(ErrorCode.UNKNOWN_ACTOR, "no actor " + r.id + " in the actor table after " + timeoutMs
                + " ms (never created, or its creation never completed)"));
      } else if (ar.result().dead() != null) {
        dead(r, ar.result().dead());
      } else {
        located(r, ar.result().at().node(), ar.result().at().incarnation());
      }
    });
  }

  /** Transition 9: the waiting calls fail with {@code why}; the route forgets, so the next call looks again. */
  private void gaveUp(ActorRoute r, EmberException why) {
    if (!moveTo(r, State.NEW)) return;
    failPending(r, why);
  }

  private void failPending(ActorRoute r, EmberException why) {
    r.created.tryFail(why);
    for (TaskId call : new ArrayList<>(r.unacked.keySet())) {
      r.unacked.remove(call);
      byCall.remove(call);
      tasks.fail(call, why);
    }
  }

  /** What one look at the table decided: where the actor is, or why it is dead. */
  private record Found(ActorPlacement at, EmberException dead) {}

  private static final RuntimeException NOT_YET = new RuntimeException("not served by a live node yet", null, false, false) {};

  private Future<Found> lookUp(ActorRoute r, NodeId before, long incBefore, int round) {
    return rows.row(r.id).compose(row -> {
      if (row == null) return Future.failedFuture(NOT_YET); // its creation may not have written it yet
      r.rowSeen = true;
      if (row.dead()) return Future.succeededFuture(new Found(null, new ActorDiedException(r.id.toString(), row.error())));
      if (row.node() != null) {
        ClusterView.Peer p = view.find(row.node());
        boolean sameAsBefore = row.node().equals(before) && row.incarnation() == incBefore;
        // the same place as before is retried after a pause (it may be loading the actor from the table)
        if ((p == null || !p.dead) && (!sameAsBefore || round > 0)) {
          return Future.succeededFuture(new Found(new ActorPlacement(r.id, row.node(), row.incarnation()), null));
        }
      }
      return Future.failedFuture(NOT_YET);
    });
  }

  // ---- verdicts ---------------------------------------------------------------------------

  /**
   * A node was declared dead: actors it hosted were moved ({@code placed}) or died ({@code gone});
   * the calls of the others it served are re-sent once they are found again (transition 6).
   */
  public void onNodeDead(NodeDeath verdict) {
    NodeId deadNode = verdict.node();
    onPlaced(verdict.placements());
    for (ActorDeath g : verdict.actorsDead()) {
      ActorRoute r = actors.get(g.actor());
      if (r != null) dead(r, new ActorDiedException(r.id.toString(), g.reason()));
    }
    for (ActorRoute r : actors.values()) {
      if (deadNode.equals(r.node) && r.state() == State.READY) resolve(r);
    }
  }

  /** Actors (re)placed by a verdict: those this client calls move there if the incarnation is newer (transition 7). */
  public void onPlaced(List<ActorPlacement> placed) {
    for (ActorPlacement p : placed) {
      ActorRoute r = actors.get(p.actor());
      if (r != null && p.incarnation() > r.incarnation) located(r, p.node(), p.incarnation());
    }
  }
}
