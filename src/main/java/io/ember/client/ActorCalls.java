package io.ember.client;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.ObjectRef;
import io.ember.gcs.ActorState;
import io.ember.gcs.ActorTable;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.monitor.ClusterView;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.protocol.Addresses;
import io.ember.protocol.ErrorCode;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client's side of actors: where each actor it calls is (node and incarnation), and every
 * call it made that has no final answer yet. When the actor moves (its node died and the
 * monitor recreated it, or a node answered that it does not host it), the client finds it again
 * in the actor table and re-sends those calls, each caller's in seq order; the actor runs the
 * ones it had not logged and answers the others from their recorded results. Calls made while
 * the actor is being created or moved wait here. Once the actor is dead, every pending and
 * later call fails with {@link ActorDiedException}.
 */
final class ActorCalls {
  private static final long RESOLVE_POLL_MS = 50;
  private static final long STALL_NANOS = 3_000_000_000L;

  /** One actor as this client knows it. */
  static final class Entry {
    final TaskId id;
    volatile NodeId node;
    volatile long incarnation;
    volatile boolean ready;
    volatile EmberException dead;
    final Promise<NodeId> created = Promise.promise();
    final Map<TaskId, ActorCallSpec> unacked = new ConcurrentHashMap<>();
    final AtomicBoolean resolving = new AtomicBoolean();
    volatile boolean creating;
    /** When a call of this actor last got its answer, or was last sent (System.nanoTime). */
    volatile long progressAt = System.nanoTime();

    Entry(TaskId id) {
      this.id = id;
    }
  }

  private final EmberClient client;
  private final Map<TaskId, Entry> actors = new ConcurrentHashMap<>();
  private final Map<TaskId, Entry> byCall = new ConcurrentHashMap<>();
  private final ActorTable table;

  ActorCalls(EmberClient client) {
    this.client = client;
    this.table = client.gcs().actors();
  }

  private Entry entry(TaskId actor) {
    return actors.computeIfAbsent(actor, Entry::new);
  }

  // ---- creation ---------------------------------------------------------------------------

  void create(ActorCreateSpec spec, String onNode) {
    Entry e = entry(spec.actor());
    e.creating = true;
    NodeId target = place(spec, onNode);
    DeliveryOptions o = new DeliveryOptions().addHeader("op", "create").setSendTimeout(client.defaultTimeoutMs());
    client.vertx().eventBus().<JsonObject>request(Addresses.actorsOf(target), spec, o).onComplete(ar -> {
      e.creating = false;
      if (ar.succeeded()) {
        JsonObject r = ar.result().body();
        located(e, new NodeId(r.getString("node")), r.getLong("incarnation"));
        return;
      }
      Throwable err = ar.cause();
      if (err instanceof ReplyException re && re.failureCode() == ErrorCode.ACTOR_DIED.code) {
        dead(e, new ActorDiedException(spec.actor().toString(), stripPrefix(re.getMessage(), spec.actor())));
      } else if (err instanceof ReplyException re && re.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE) {
        dead(e, new EmberException(ErrorCode.of(re.failureCode()), re.getMessage()));
      } else {
        resolve(e); // no answer: the actor may exist anyway (the table says)
      }
    });
  }

  private static String stripPrefix(String msg, TaskId actor) {
    String p = "actor " + actor + " is dead: ";
    return msg != null && msg.startsWith(p) ? msg.substring(p.length()) : msg;
  }

  /** The chosen node if live, else the feasible live node hosting the fewest actors (this client's home on a tie). */
  private NodeId place(ActorCreateSpec spec, String onNode) {
    NodeId home = client.home();
    ClusterView.Peer best = null;
    for (ClusterView.Peer p : client.view().alive()) {
      if (!p.feasible(spec.resources()) || p.host == null) continue;
      if (onNode != null && p.resources.getOrDefault("node:" + onNode, 0.0) > 0) return p.id;
      if (best == null || p.actors < best.actors || (p.actors == best.actors && p.id.equals(home))) best = p;
    }
    if (best == null) return home;
    best.actors++; // until its next heartbeat says otherwise
    return best.id;
  }

  Future<NodeId> whenCreated(TaskId actor) {
    return entry(actor).created.future();
  }

  // ---- calls ------------------------------------------------------------------------------

  <R> ObjectRef<R> call(IdSource source, TaskId actor, String method, List<TaskSpec.Arg> args) {
    Entry e = entry(actor);
    TaskId id = source.next();
    long seq = source.nextSeq(actor);
    ActorCallSpec c = new ActorCallSpec(id, actor, source.parent(), seq, method, args, client.id());
    client.expect(id);
    if (e.dead != null) {
      client.fail(id, e.dead);
      return client.ref(c.returnId());
    }
    e.unacked.put(id, c);
    byCall.put(id, e);
    if (e.ready) {
      send(e, c);
    } else if (!e.creating) {
      resolve(e);
    }
    return client.ref(c.returnId());
  }

  private void send(Entry e, ActorCallSpec c) {
    var local = client.local();
    if (local != null && local.actors != null && e.node.equals(local.nodeId) && local.actors.offerDirect(c)) return;
    client.vertx().eventBus().send(Addresses.actorCallsOf(e.node), c);
  }

  /**
   * A result arrived for a call (any thread). Returns true if it was consumed here: the node
   * does not serve the actor any more, so the call waits to be re-sent where it is now.
   */
  boolean onDone(TaskDone d) {
    Entry e = byCall.get(d.task());
    if (e == null) return false;
    if (!d.ok() && d.error().code() == ErrorCode.ACTOR_MOVED) {
      if (d.node() == null || d.node().equals(e.node)) e.ready = false;
      resolve(e);
      return true;
    }
    if (!d.ok() && d.error().code() == ErrorCode.ACTOR_DIED && e.dead == null) {
      dead(e, new ActorDiedException(e.id.toString(), stripPrefix(d.error().message(), e.id)));
    }
    byCall.remove(d.task());
    e.unacked.remove(d.task());
    e.progressAt = System.nanoTime();
    return false;
  }

  /**
   * Safety net, about once a second: an actor with calls that have had no answer for a while
   * (a verdict this client never heard, a message lost with a node) is looked up again and its
   * unanswered calls re-sent. The actor answers a re-sent call it already logged from the
   * record, and ignores one it is still running, so this never applies a call twice.
   */
  void tick() {
    long now = System.nanoTime();
    for (Entry e : actors.values()) {
      if (e.unacked.isEmpty() || e.dead != null || e.creating) continue;
      if (now - e.progressAt > STALL_NANOS) {
        e.progressAt = now;
        resolve(e);
      }
    }
  }

  private void located(Entry e, NodeId node, long incarnation) {
    if (e.dead != null) return;
    boolean changed = !node.equals(e.node) || incarnation != e.incarnation;
    e.node = node;
    e.incarnation = incarnation;
    e.ready = true;
    e.created.tryComplete(node);
    if (changed || !e.unacked.isEmpty()) resendAll(e);
  }

  /** Every call without a final answer, each caller's in seq order. */
  private void resendAll(Entry e) {
    e.progressAt = System.nanoTime();
    List<ActorCallSpec> calls = new ArrayList<>(e.unacked.values());
    calls.sort(Comparator.comparing((ActorCallSpec c) -> c.caller().toString()).thenComparingLong(ActorCallSpec::seq));
    for (ActorCallSpec c : calls) send(e, c);
  }

  private void dead(Entry e, EmberException why) {
    e.dead = why;
    e.ready = false;
    e.created.tryFail(why);
    for (TaskId call : new ArrayList<>(e.unacked.keySet())) {
      e.unacked.remove(call);
      byCall.remove(call);
      client.fail(call, why);
    }
  }

  /**
   * Looks the actor up in the table until a live node hosts it (or it is dead, or never
   * existed), then re-sends its pending calls there. One lookup loop per actor at a time.
   */
  private void resolve(Entry e) {
    if (!e.resolving.compareAndSet(false, true)) return;
    e.ready = false;
    long deadline = System.currentTimeMillis() + client.defaultTimeoutMs();
    NodeId before = e.node;
    long incBefore = e.incarnation;
    lookUp(e, deadline, before, incBefore, 0);
  }

  private void lookUp(Entry e, long deadline, NodeId before, long incBefore, int round) {
    table.row(e.id).onComplete(ar -> {
      if (ar.succeeded()) {
        ActorTable.Row row = ar.result();
        if (row == null && !e.creating) {
          e.resolving.set(false);
          dead(e, new EmberException(ErrorCode.UNKNOWN_ACTOR, "no actor " + e.id + " exists"));
          return;
        }
        if (row != null && row.state() == ActorState.DEAD) {
          e.resolving.set(false);
          dead(e, new ActorDiedException(e.id.toString(), row.error()));
          return;
        }
        if (row != null && !row.node().isEmpty()) {
          NodeId n = new NodeId(row.node());
          ClusterView.Peer p = client.view().find(n);
          boolean sameAsBefore = n.equals(before) && row.incarnation() == incBefore;
          // the same place as before is retried after a pause (it may be loading the actor from the table)
          if ((p == null || !p.dead) && (!sameAsBefore || round > 0)) {
            e.resolving.set(false);
            located(e, n, row.incarnation());
            return;
          }
        }
      }
      if (System.currentTimeMillis() + RESOLVE_POLL_MS >= deadline) {
        e.resolving.set(false);
        dead(e, new EmberException(ErrorCode.UNAVAILABLE, "actor " + e.id + " was not served by any live node within "
            + client.defaultTimeoutMs() + " ms"));
        return;
      }
      client.vertx().setTimer(RESOLVE_POLL_MS, t -> lookUp(e, deadline, before, incBefore, round + 1));
    });
  }

  // ---- verdicts ---------------------------------------------------------------------------

  /** A node was declared dead: actors it hosted were moved (or died); re-send their calls. */
  void onNodeDead(NodeId deadNode, JsonObject verdict) {
    onPlaced(verdict.getJsonArray("actors"));
    JsonArray gone = verdict.getJsonArray("actorsDead");
    if (gone != null) {
      for (Object o : gone) {
        if (o instanceof JsonArray a && a.size() >= 2) {
          Entry e = actors.get(TaskId.parse(a.getString(0)));
          if (e != null) dead(e, new ActorDiedException(e.id.toString(), a.getString(1)));
        }
      }
    }
    for (Entry e : actors.values()) {
      if (deadNode.equals(e.node) && e.dead == null && e.ready) resolve(e);
    }
  }

  void onPlaced(JsonArray placed) {
    if (placed == null) return;
    for (Object o : placed) {
      if (!(o instanceof JsonArray a) || a.size() < 3) continue;
      try {
        Entry e = actors.get(TaskId.parse(a.getString(0)));
        if (e != null && a.getLong(2) > e.incarnation) located(e, new NodeId(a.getString(1)), a.getLong(2));
      } catch (RuntimeException malformed) {
        // ignored: the table lookup finds the actor
      }
    }
  }

}
