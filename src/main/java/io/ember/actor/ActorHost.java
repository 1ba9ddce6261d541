package io.ember.actor;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.gcs.ActorState;
import io.ember.gcs.ActorTable;
import io.ember.gcs.Republish;
import io.ember.gcs.LedgerEntry;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.ActorId;
import io.ember.object.Location;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.protocol.ActorPlacement;
import io.ember.api.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A node's actor host (the seed's actor side of the local scheduler): creates the actors placed
 * here, restores those the acting monitor moved here (constructor, newest checkpoint, then the
 * logged calls after it, in order), sweeps the table for those a lost verdict did not announce,
 * and routes calls to them. State changes follow {@link ActorState}; each is one fenced write of
 * this node. Intake runs on the actor verticle's event loop; constructors, replays and calls run
 * on the actor threads. Lost outputs are the {@link OutputRebuilder}'s, answers the
 * {@link CallReplies}', the "may I run calls" check the {@link ZombieGuard}'s.
 *
 * <p>Never runs user code on its event loop; never serves an actor the table says another node
 * (or a newer incarnation) hosts.
 */
public final class ActorHost {
  private static final Logger LOG = Logger.getLogger(ActorHost.class.getName());

  private final Context context;
  private final ActorServices node;
  private final CallReplies replies;
  private final ActorRegistry registry;
  private final ActorTable table;
  private final OutputRebuilder rebuilder;
  private final Map<ActorId, ActorInstance> instances = new ConcurrentHashMap<>();
  /** Actors being loaded from the table (event loop), with the calls that arrived meanwhile. */
  private final Map<ActorId, List<ActorCallSpec>> loading = new HashMap<>();
  /** Set once this node stops: no call, creation or restore is taken from then on. */
  private volatile boolean leaving;

  /** @param context the actor verticle's event loop: intake and table replies run there */
  public ActorHost(Context context, ActorServices node, ActorRegistry registry, ActorTable table, OutputRebuilder rebuilder) {
    this.context = context;
    this.node = node;
    this.replies = node.replies();
    this.registry = registry;
    this.table = table;
    this.rebuilder = rebuilder;
  }

  public int hosted() {
    return instances.size();
  }

  // ---- creation (event loop) --------------------------------------------------------------

  /** Creates the actor here (or finds where it already is); replies {@code {"node", "incarnation"}}. */
  public Future<JsonObject> create(ActorCreateSpec spec) {
    if (leaving) return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "node " + node.self() + " is stopping"));
    ActorInstance existing = instances.get(spec.actor());
    if (existing != null) return Future.succeededFuture(located(node.self(), existing.incarnation));
    ActorClass cls;
    try {
      cls = registry.lookup(spec.className());
    } catch (EmberException e) {
      return Future.failedFuture(e);
    }
    return onContext(table.row(spec.actor())).compose(row -> {
      if (row != null) {
        if (row.state() == ActorState.DEAD) return Future.failedFuture(new ActorDiedException(spec.actor().toString(), row.error()));
        if (row.hostedBy(node.self())) ensureLoaded(spec.actor());
        return Future.succeededFuture(located(new NodeId(row.node()), row.incarnation()));
      }
      if (instances.containsKey(spec.actor())) return Future.succeededFuture(located(node.self(), 1));
      return spec.name().isEmpty() ? construct(spec, cls) : onContext(table.claimName(spec.name(), spec.actor(), node.self()))
          .compose(holder -> holder == null ? construct(spec, cls) : Future.failedFuture(new EmberException(ErrorCode.ALREADY_EXISTS,
              "actor name '" + spec.name() + "' is held by live actor " + holder)));
    });
  }

  /** Constructs a new actor here (on an actor thread) and records it: ALIVE, or DEAD with why its constructor threw. */
  private Future<JsonObject> construct(ActorCreateSpec spec, ActorClass cls) {
    if (instances.containsKey(spec.actor())) return Future.succeededFuture(located(node.self(), 1));
    ActorInstance inst = new ActorInstance(node, this::refused, spec, cls, 1);
    instances.put(spec.actor(), inst);
    Promise<JsonObject> p = Promise.promise();
    String resources = new JsonObject(new HashMap<>(spec.resources())).encode();
    node.threads().execute(() -> {
      String why = null;
      try {
        inst.construct();
      } catch (Throwable t) {
        why = "its constructor threw " + t;
      }
      String error = why;
      node.writer().actorCreated(spec, resources, error == null ? ActorState.ALIVE : ActorState.DEAD, error).onComplete(ar -> context.runOnContext(v -> {
        if (ar.succeeded() && error == null) {
          inst.serve();
          p.complete(located(node.self(), 1));
          return;
        }
        instances.remove(spec.actor(), inst);
        String reason = error != null ? error : "its creation was not recorded: " + ar.cause().getMessage();
        for (ActorCallSpec c : inst.drainEarly()) replies.replyDied(c, reason);
        p.fail(error != null ? new ActorDiedException(spec.actor().toString(), reason) : ar.cause());
      }));
    });
    return p.future();
  }

  private static JsonObject located(NodeId node, long incarnation) {
    return new JsonObject().put("node", node.value()).put("incarnation", incarnation);
  }

  // ---- calls (event loop) -----------------------------------------------------------------

  public void call(ActorCallSpec c) {
    if (leaving) {
      replies.replyMoved(c, "node " + node.self() + " is stopping");
      return;
    }
    ActorInstance a = instances.get(c.actor());
    if (a != null) {
      a.offer(c);
      return;
    }
    List<ActorCallSpec> waiting = loading.get(c.actor());
    if (waiting != null) {
      waiting.add(c);
      return;
    }
    loading.put(c.actor(), new ArrayList<>(List.of(c)));
    load(c.actor());
  }

  /**
   * A call from a client in this JVM, on its own thread: handed straight to the actor if it is
   * hosted and loaded here (one thread hop less than the event bus); false = send it the usual way.
   */
  public boolean offerDirect(ActorCallSpec c) {
    if (leaving) return false;
    ActorInstance a = instances.get(c.actor());
    if (a == null) return false;
    a.offer(c);
    return true;
  }

  /** The acting monitor placed actors (from a verdict): restore those placed here. */
  public void onPlaced(List<ActorPlacement> placed) {
    for (ActorPlacement a : placed) {
      if (!node.self().equals(a.node())) continue;
      ActorInstance mine = instances.get(a.actor());
      if (mine != null && mine.incarnation < a.incarnation()) {
        instances.remove(a.actor(), mine);
        mine.stop("actor " + a.actor() + " has a newer incarnation");
      }
      ensureLoaded(a.actor());
    }
  }

  /**
   * The actor was killed ({@code ember.actor.kill}): stops its instance here, so that its waiting
   * and later calls are told to look again and find it DEAD. Acts only if the table says it is DEAD
   * (a forged request for a live or not yet recorded actor is refused FORBIDDEN); true if an instance was stopped.
   */
  public Future<Boolean> killed(ActorId id) {
    return onContext(table.row(id)).map(row -> {
      if (row == null || row.state() != ActorState.DEAD) {
        throw new EmberException(ErrorCode.FORBIDDEN, "actor " + id + " is " + (row == null ? "not in the table" : row.state())
            + ", not killed: kill it through ember.actor.kill");
      }
      ActorInstance a = instances.remove(id);
      if (a == null) return false;
      LOG.info("actor " + id + " was killed: its instance on node " + node.self() + " stopped");
      a.stop("actor " + id + " was killed");
      return true;
    });
  }

  /** Safety net for lost verdicts: restore every actor the table says this node hosts and it does not. */
  public void sweep() {
    onContext(table.actorsOf(node.self())).onSuccess(ids -> {
      for (ActorId id : ids) ensureLoaded(id);
    });
  }

  private void ensureLoaded(ActorId id) {
    if (leaving || instances.containsKey(id) || loading.containsKey(id)) return;
    loading.put(id, new ArrayList<>());
    load(id);
  }

  private void load(ActorId id) {
    onContext(table.load(id, -1)).onComplete(ar -> {
      List<ActorCallSpec> waiting = loading.remove(id);
      if (waiting == null) waiting = List.of();
      if (ar.failed() && ar.cause() instanceof ActorDiedException unreadable) {
        for (ActorCallSpec c : waiting) replies.replyDied(c, unreadable.getMessage());
        return;
      }
      if (ar.failed()) {
        for (ActorCallSpec c : waiting) replies.replyMoved(c, "actor " + id + ": the actor table did not answer: " + ar.cause().getMessage());
        return;
      }
      ActorTable.Load l = ar.result();
      if (l == null) {
        // no row yet (its creation may not have written it): the caller looks it up until its timeout
        for (ActorCallSpec c : waiting) replies.replyMoved(c, "actor " + id + " has no row in the actor table");
        return;
      }
      ActorTable.Row row = l.row();
      if (row.state() == ActorState.DEAD) {
        for (ActorCallSpec c : waiting) replies.replyDied(c, row.error());
        return;
      }
      if (!row.hostedBy(node.self())) {
        for (ActorCallSpec c : waiting) replies.replyMoved(c, "actor " + id + " is hosted by node '" + row.node() + "'");
        return;
      }
      ActorCreateSpec spec;
      ActorClass cls;
      try {
        spec = ActorCreateSpec.decodeStored(id, row.spec());
        cls = registry.lookup(spec.className());
      } catch (IllegalArgumentException | EmberException e) {
        cannotHost(id, row, e.getMessage(), waiting);
        return;
      }
      ActorInstance inst = new ActorInstance(node, this::refused, spec, cls, row.incarnation());
      instances.put(id, inst);
      for (ActorCallSpec c : waiting) inst.offer(c);
      node.threads().execute(() -> restore(inst, l));
    });
  }

  /**
   * This node cannot recreate the actor (its class is not registered here, or its stored spec
   * cannot be decoded): it goes DEAD with the reason, and every waiting call fails with it.
   */
  private void cannotHost(ActorId id, ActorTable.Row row, String why, List<ActorCallSpec> waiting) {
    String reason = "node " + node.self() + " cannot recreate it: " + why;
    LOG.warning("actor " + id + " is dead: " + reason);
    node.writer().actorDied(id, row.incarnation(), reason);
    for (ActorCallSpec c : waiting) replies.replyDied(c, reason);
  }

  /** On an actor thread: constructor, checkpoint, replay; then serve. */
  private void restore(ActorInstance inst, ActorTable.Load l) {
    long t0 = System.nanoTime();
    ActorId id = inst.id();
    try {
      ActorInstance.Replay r = inst.replay(l.checkpoint(), l.from(), l.entries(), true);
      node.writer().actorRestored(id, inst.incarnation);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      node.writer().recovery(new LedgerEntry.ActorRestored(id, inst.cls.name(), node.self(), inst.incarnation,
          l.checkpointPosition(), r.replayed(), ms, node.clock().millis(), r.diverged()));
      if (!r.diverged().isEmpty()) {
        node.writer().recovery(new LedgerEntry.ActorReplayDiverged(id, r.diverged(), null, node.clock().millis()));
      }
      context.runOnContext(v -> inst.serve());
    } catch (Throwable t) {
      String why = "its replay on node " + node.self() + " failed: " + t;
      LOG.warning("actor " + id + ": " + why);
      node.writer().actorDied(id, inst.incarnation, why);
      context.runOnContext(v -> {
        instances.remove(id, inst);
        for (ActorCallSpec c : inst.drainEarly()) replies.replyDied(c, why);
      });
    }
  }

  /** The log write of a call was refused or lost: this incarnation's state is ahead of its log, so it stops. */
  private void refused(ActorInstance a, ActorCallSpec c, Throwable err) {
    if (err instanceof EmberException e && e.code() == ErrorCode.FENCED) return; // the node is going down; no result leaves it
    String why = "actor " + a.id() + " incarnation " + a.incarnation + " on node " + node.self() + " stopped: " + err.getMessage();
    replies.replyMoved(c, why);
    context.runOnContext(v -> {
      if (instances.remove(a.id(), a)) {
        LOG.warning(why);
        a.stop(why);
      }
    });
  }

  // ---- lost outputs -----------------------------------------------------------------------

  /** Rebuilds a lost actor-method output here: see {@link OutputRebuilder}. */
  public Future<Location> rebuild(ObjectId oid, String kind, long deadline) {
    return rebuilder.rebuild(oid, kind, deadline);
  }

  /** Completes on the host's event loop (Redis replies arrive on the connection's). */
  private <T> Future<T> onContext(Future<T> f) {
    return onContext(context, f);
  }

  /** {@code f}'s outcome, completed on {@code context}. */
  static <T> Future<T> onContext(Context context, Future<T> f) {
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> context.runOnContext(v -> p.handle(ar)));
    return p.future();
  }

  /**
   * Redis lost this node's actor rows (a resync): adds each serving actor to {@code r} with a
   * fresh checkpoint taken between two of its calls, so the lost method log costs nothing. An
   * actor whose running call does not end within {@code waitMs} is left out (its next log write is
   * refused and it stops; callers find it gone). Runs on a worker thread, never the event loop.
   */
  public Future<Void> republish(Republish r, long waitMs) {
    return context.owner().executeBlocking(() -> {
      for (ActorInstance a : instances.values()) {
        Checkpoint c = a.snapshot(waitMs);
        if (c == null) continue;
        byte[] blob = c.state() == null ? null : c.encode();
        r.actor(a.spec, new JsonObject(new HashMap<>(a.spec.resources())).encode(), a.incarnation, c.position(),
            node.checkpointsKept(), blob);
      }
      return null;
    }, false);
  }

  /**
   * This node stops: from now on calls are answered "moved" (their callers find the actor's next
   * incarnation) and nothing is created or restored here; every hosted actor stops after the call
   * it is running and takes a last checkpoint. Completes, on the host's event loop, once every
   * such checkpoint is written.
   */
  public Future<Void> leave() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      leaving = true;
      List<Future<Void>> stopped = new ArrayList<>();
      for (ActorInstance a : instances.values()) stopped.add(a.stopAndCheckpoint("node " + node.self() + " is stopping"));
      Future.join(stopped).<Void>mapEmpty().onComplete(ar -> context.runOnContext(x -> done.complete()));
    });
    return done.future();
  }

  public void close() {
    node.threads().shutdownNow();
  }
}
