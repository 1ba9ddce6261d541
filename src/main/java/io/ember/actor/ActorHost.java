package io.ember.actor;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.ObjectLostException;
import io.ember.gcs.ActorTable;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.node.NodeRuntime;
import io.ember.object.Location;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.protocol.ActorPlacement;
import io.ember.protocol.Addresses;
import io.ember.protocol.ErrorCode;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A node's actor host (the seed's actor side of the local scheduler): creates the actors placed
 * here, restores those the acting monitor moved here (constructor, newest checkpoint, then the
 * logged calls after it, in order), routes calls to them, and rebuilds lost actor-method outputs
 * by restoring a scratch copy of the actor to the state just before the call. State changes
 * follow {@link ActorState}; each is one fenced write of this node. Intake runs on the actor
 * verticle's event loop; constructors, replays and calls run on the host's actor threads.
 */
public final class ActorHost {
  private static final Logger LOG = Logger.getLogger(ActorHost.class.getName());

  private final NodeRuntime rt;
  private final ActorRegistry registry;
  private final ActorTable table;
  private final Context context;
  private final ExecutorService threads;
  private final Map<TaskId, ActorInstance> instances = new ConcurrentHashMap<>();
  /** Actors being loaded from the table (event loop), with the calls that arrived meanwhile. */
  private final Map<TaskId, List<ActorCallSpec>> loading = new HashMap<>();
  private final long leaseNanos;

  public ActorHost(NodeRuntime rt, ActorRegistry registry, Context context) {
    this.rt = rt;
    this.registry = registry;
    this.context = context;
    this.table = ActorTable.of(rt.gcs);
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(rt.conf.actors().threads(), r -> {
      Thread t = new Thread(r, "ember-actor-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(50, rt.conf.heartbeat().timeoutMs() / 2));
  }

  public ActorRegistry registry() {
    return registry;
  }

  public ActorTable table() {
    return table;
  }

  public int hosted() {
    return instances.size();
  }

  int checkpointsKept() {
    return rt.conf.actors().checkpointsKept();
  }

  /** The object-table kind of an actor-method output: how to find the call that made it. */
  static String outputKind(TaskId actor, long index) {
    return "actor:" + actor + ":" + index;
  }

  // ---- creation (event loop) --------------------------------------------------------------

  /** Creates the actor here (or finds where it already is); replies {@code {"node", "incarnation"}}. */
  public Future<JsonObject> create(ActorCreateSpec spec) {
    ActorInstance existing = instances.get(spec.actor());
    if (existing != null) return Future.succeededFuture(located(rt.nodeId, existing.incarnation));
    ActorClass cls;
    try {
      cls = registry.lookup(spec.className());
    } catch (EmberException e) {
      return Future.failedFuture(e);
    }
    return onContext(table.row(spec.actor())).compose(row -> {
      if (row != null) {
        if (ActorState.DEAD.name().equals(row.state())) return Future.failedFuture(new ActorDiedException(spec.actor().toString(), row.error()));
        if (row.hostedBy(rt.nodeId)) ensureLoaded(spec.actor());
        return Future.succeededFuture(located(new NodeId(row.node()), row.incarnation()));
      }
      if (instances.containsKey(spec.actor())) return Future.succeededFuture(located(rt.nodeId, 1));
      ActorInstance inst = new ActorInstance(rt, this, spec, cls, 1, threads);
      instances.put(spec.actor(), inst);
      Promise<JsonObject> p = Promise.promise();
      String resources = new JsonObject(new HashMap<>(spec.resources())).encode();
      threads.execute(() -> {
        String why = null;
        try {
          inst.construct();
        } catch (Throwable t) {
          why = "its constructor threw " + t;
        }
        String error = why;
        rt.writer.actorCreated(spec, resources, error == null ? "ALIVE" : "DEAD", error).onComplete(ar -> context.runOnContext(v -> {
          if (ar.succeeded() && error == null) {
            inst.serve();
            p.complete(located(rt.nodeId, 1));
            return;
          }
          instances.remove(spec.actor(), inst);
          String reason = error != null ? error : "its creation was not recorded: " + ar.cause().getMessage();
          for (ActorCallSpec c : inst.drainEarly()) replyDied(c, reason);
          p.fail(error != null ? new ActorDiedException(spec.actor().toString(), reason) : ar.cause());
        }));
      });
      return p.future();
    });
  }

  private static JsonObject located(NodeId node, long incarnation) {
    return new JsonObject().put("node", node.value()).put("incarnation", incarnation);
  }

  // ---- calls (event loop) -----------------------------------------------------------------

  public void call(ActorCallSpec c) {
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
    ActorInstance a = instances.get(c.actor());
    if (a == null) return false;
    a.offer(c);
    return true;
  }

  /** The acting monitor placed actors (from a verdict): restore those placed here. */
  public void onPlaced(List<ActorPlacement> placed) {
    for (ActorPlacement a : placed) {
      if (!rt.nodeId.equals(a.node())) continue;
      ActorInstance mine = instances.get(a.actor());
      if (mine != null && mine.incarnation < a.incarnation()) {
        instances.remove(a.actor(), mine);
        mine.stop("actor " + a.actor() + " has a newer incarnation");
      }
      ensureLoaded(a.actor());
    }
  }

  /** Safety net for lost verdicts: restore every actor the table says this node hosts and it does not. */
  public void sweep() {
    onContext(table.actorsOf(rt.nodeId)).onSuccess(ids -> {
      for (TaskId id : ids) ensureLoaded(id);
    });
  }

  private void ensureLoaded(TaskId id) {
    if (instances.containsKey(id) || loading.containsKey(id)) return;
    loading.put(id, new ArrayList<>());
    load(id);
  }

  private void load(TaskId id) {
    onContext(table.load(id, -1)).onComplete(ar -> {
      List<ActorCallSpec> waiting = loading.remove(id);
      if (waiting == null) waiting = List.of();
      if (ar.failed()) {
        for (ActorCallSpec c : waiting) replyMoved(c, "actor " + id + ": the actor table did not answer: " + ar.cause().getMessage());
        return;
      }
      ActorTable.Load l = ar.result();
      if (l == null) {
        for (ActorCallSpec c : waiting) reply(c.owner(), TaskDone.failed(c.id(), rt.nodeId, failure(c, ErrorCode.UNKNOWN_ACTOR,
            "no actor " + id + " exists")));
        return;
      }
      ActorTable.Row row = l.row();
      if (ActorState.DEAD.name().equals(row.state())) {
        for (ActorCallSpec c : waiting) replyDied(c, row.error());
        return;
      }
      if (!row.hostedBy(rt.nodeId)) {
        for (ActorCallSpec c : waiting) replyMoved(c, "actor " + id + " is hosted by node '" + row.node() + "'");
        return;
      }
      ActorCreateSpec spec = ActorCreateSpec.decodeBuffer(Buffer.buffer(row.spec()));
      ActorClass cls;
      try {
        cls = registry.lookup(spec.className());
      } catch (EmberException e) {
        rt.writer.actorDied(id, row.incarnation(), "node " + rt.nodeId + " cannot host it: " + e.getMessage());
        for (ActorCallSpec c : waiting) replyDied(c, e.getMessage());
        return;
      }
      ActorInstance inst = new ActorInstance(rt, this, spec, cls, row.incarnation(), threads);
      instances.put(id, inst);
      for (ActorCallSpec c : waiting) inst.offer(c);
      threads.execute(() -> restore(inst, l));
    });
  }

  /** On an actor thread: constructor, checkpoint, replay; then serve. */
  private void restore(ActorInstance inst, ActorTable.Load l) {
    long t0 = System.nanoTime();
    TaskId id = inst.id();
    try {
      ActorInstance.Replay r = inst.replay(l.checkpoint(), l.from(), l.entries(), true);
      rt.writer.actorRestored(id, inst.incarnation);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      JsonObject entry = new JsonObject().put("kind", "actor-restored").put("actor", id.toString())
          .put("class", inst.cls.name()).put("node", rt.nodeId.value()).put("incarnation", inst.incarnation)
          .put("checkpoint", l.checkpointPosition()).put("replayed", r.replayed()).put("ms", ms)
          .put("at", System.currentTimeMillis());
      if (!r.diverged().isEmpty()) entry.put("diverged", new JsonArray(new ArrayList<>(r.diverged())));
      rt.writer.recovery(entry);
      if (!r.diverged().isEmpty()) {
        rt.writer.recovery(new JsonObject().put("kind", "actor-replay-diverged").put("actor", id.toString())
            .put("calls", new JsonArray(new ArrayList<>(r.diverged()))).put("at", System.currentTimeMillis()));
      }
      context.runOnContext(v -> inst.serve());
    } catch (Throwable t) {
      String why = "its replay on node " + rt.nodeId + " failed: " + t;
      LOG.warning("actor " + id + ": " + why);
      rt.writer.actorDied(id, inst.incarnation, why);
      context.runOnContext(v -> {
        instances.remove(id, inst);
        for (ActorCallSpec c : inst.drainEarly()) replyDied(c, why);
      });
    }
  }

  // ---- replies (any thread) ---------------------------------------------------------------

  void reply(ActorCallSpec c, ActorInstance.Outcome o) {
    if (o.ok()) {
      int size = o.bytes().length();
      Buffer inline = size <= rt.conf.objects().inlineLimitBytes() ? o.bytes() : null;
      reply(c.owner(), TaskDone.ok(c.id(), rt.nodeId, rt.transferHost, rt.transferPort, size, inline));
    } else {
      reply(c.owner(), TaskDone.failed(c.id(), rt.nodeId, o.failure()));
    }
  }

  private void reply(String owner, TaskDone d) {
    if (owner.equals(rt.client.id())) rt.client.deliver(d); // this node's own client: no event-bus hop
    else rt.vertx.eventBus().send(Addresses.clientInbox(owner), d);
  }

  /** Tells the caller to find the actor again (it is not, or no longer, served here). */
  void replyMoved(ActorCallSpec c, String why) {
    reply(c.owner(), TaskDone.failed(c.id(), rt.nodeId, failure(c, ErrorCode.ACTOR_MOVED, why)));
  }

  private void replyDied(ActorCallSpec c, String why) {
    reply(c.owner(), TaskDone.failed(c.id(), rt.nodeId, failure(c, ErrorCode.ACTOR_DIED, "actor " + c.actor() + " is dead: " + why)));
  }

  private static TaskDone.Failure failure(ActorCallSpec c, ErrorCode code, String message) {
    return new TaskDone.Failure(code, c.method(), EmberException.class.getName(), message, null);
  }

  /** A call this incarnation already applied and logged (a retry): its recorded outcome, not a second run. */
  void replyRecorded(ActorInstance a, ActorCallSpec c) {
    TaskDone.Failure f = a.failures.get(c.id());
    if (f != null) {
      reply(c.owner(), TaskDone.failed(c.id(), rt.nodeId, f));
      return;
    }
    ObjectId oid = c.returnId();
    Buffer b = rt.store.getIfInMemory(oid);
    if (b != null) {
      reply(c.owner(), TaskDone.ok(c.id(), rt.nodeId, rt.transferHost, rt.transferPort, b.length(),
          b.length() <= rt.conf.objects().inlineLimitBytes() ? b : null));
      return;
    }
    rt.directory.locate(oid, System.currentTimeMillis() + rt.conf.scheduler().getTimeoutMs()).onComplete(ar -> {
      if (ar.succeeded()) {
        Location l = ar.result();
        reply(c.owner(), TaskDone.ok(c.id(), l.node(), l.host(), l.port(), l.size(), null));
      } else {
        Throwable e = ar.cause();
        reply(c.owner(), TaskDone.failed(c.id(), rt.nodeId, failure(c, e instanceof EmberException ee ? ee.code() : ErrorCode.INTERNAL,
            "the recorded result of call " + c.id() + " could not be found: " + e.getMessage())));
      }
    });
  }

  /** The log write of a call was refused or lost: this incarnation's state is ahead of its log, so it stops. */
  void refused(ActorInstance a, ActorCallSpec c, Throwable err) {
    if (err instanceof EmberException e && e.code() == ErrorCode.FENCED) return; // the node is going down; no result leaves it
    String why = "actor " + a.id() + " incarnation " + a.incarnation + " on node " + rt.nodeId + " stopped: " + err.getMessage();
    replyMoved(c, why);
    context.runOnContext(v -> {
      if (instances.remove(a.id(), a)) {
        LOG.warning(why);
        a.stop(why);
      }
    });
  }

  void warn(String message) {
    LOG.warning(message);
  }

  // ---- helpers for actor threads ----------------------------------------------------------

  /** An argument's value: decoded, or (a reference) fetched into this node first. Blocks: actor threads only. */
  Object argument(TaskSpec.Arg a) throws Exception {
    if (!a.isRef()) return Values.decode(a.value());
    Buffer b = rt.store.getIfInMemory(a.ref());
    if (b == null) {
      long timeout = rt.conf.scheduler().getTimeoutMs();
      b = rt.directory.fetch(a.ref(), System.currentTimeMillis() + timeout).toCompletionStage().toCompletableFuture()
          .get(timeout + 1000, TimeUnit.MILLISECONDS);
    }
    return Values.decode(b);
  }

  /**
   * True if this node may run calls now: Redis applied one of its writes less than half a
   * heartbeat timeout ago, or does so now (a probe). A node frozen for longer (and so perhaps
   * declared dead and its actors recreated elsewhere) runs no call before that check, and a
   * refused probe fences it.
   */
  boolean holdsLease() {
    if (System.nanoTime() - rt.writer.lastAppliedNanos() < leaseNanos) return true;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(rt.conf.heartbeat().timeoutMs() * 4L);
    while (!rt.isFenced() && System.nanoTime() < deadline) {
      try {
        rt.writer.probe().toCompletionStage().toCompletableFuture().get(rt.conf.heartbeat().timeoutMs(), TimeUnit.MILLISECONDS);
        return true;
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof EmberException ee && ee.code() == ErrorCode.FENCED) return false;
      } catch (java.util.concurrent.TimeoutException e) {
        // Redis slow or away: try again until the deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }


  // ---- rebuilding lost outputs ------------------------------------------------------------

  /**
   * Makes the lost output of an actor call exist again, here: restores a scratch copy of the
   * actor from the newest checkpoint at or before the call, replays the calls between, and
   * runs the call itself. One rebuild per call cluster-wide (a Redis lock); the others wait for
   * its copy. Fails with {@link ObjectLostException} when the log before the call was trimmed.
   */
  public Future<Location> rebuild(ObjectId oid, String kind, long deadline) {
    String[] parts = kind.split(":");
    TaskId actor = TaskId.parse(parts[1]);
    long index = Long.parseLong(parts[2]);
    if (rt.store.contains(oid)) return Future.succeededFuture(rt.directory.self(rt.store.sizeOf(oid)));
    long ttl = Math.max(1000, deadline - System.currentTimeMillis());
    return onContext(table.lockRebuild(actor, index, rt.nodeId.value(), ttl)).compose(locked -> {
      if (!locked) return waitForCopy(oid, deadline);
      return onContext(table.load(actor, index)).compose(l -> rebuildFrom(oid, kind, actor, index, l))
          .eventually(() -> table.unlockRebuild(actor, index).otherwiseEmpty());
    });
  }

  private Future<Location> rebuildFrom(ObjectId oid, String kind, TaskId actor, long index, ActorTable.Load l) {
    if (l == null) return Future.failedFuture(new ObjectLostException(oid.toString(), "its actor " + actor + " no longer exists"));
    int n = l.entries().size();
    if (n == 0 || l.from() + n - 1 != index) {
      return Future.failedFuture(new ObjectLostException(oid.toString(), "it is output " + index + " of actor " + actor
          + ", whose method log before index " + l.row().logBase() + " was trimmed after checkpoints (only outputs after the"
          + " oldest kept checkpoint, actors.checkpointsKept, can be rebuilt)"));
    }
    ActorCreateSpec spec = ActorCreateSpec.decodeBuffer(Buffer.buffer(l.row().spec()));
    ActorClass cls;
    try {
      cls = registry.lookup(spec.className());
    } catch (EmberException e) {
      return Future.failedFuture(e);
    }
    Promise<Location> p = Promise.promise();
    threads.execute(() -> {
      long t0 = System.nanoTime();
      try {
        ActorInstance scratch = new ActorInstance(rt, this, spec, cls, -1, threads);
        ActorInstance.Replay r = scratch.replay(l.checkpoint(), l.from(), l.entries().subList(0, n - 1), false);
        MethodLogEntry last = MethodLogEntry.decode(l.entries().get(n - 1));
        if (!last.call().equals(oid.task())) {
          throw new EmberException(ErrorCode.INTERNAL, "entry " + index + " of actor " + actor + " is call " + last.call()
              + ", not " + oid.task());
        }
        ActorInstance.Outcome o = scratch.invoke(last.method(), last.args(), last.call());
        boolean diverged = o.digest() != last.digest();
        JsonObject entry = new JsonObject().put("kind", "actor-output-rebuilt").put("actor", actor.toString())
            .put("object", oid.toString()).put("call", index).put("checkpoint", l.checkpointPosition())
            .put("replayed", r.replayed() + 1).put("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
            .put("node", rt.nodeId.value()).put("at", System.currentTimeMillis());
        if (diverged || !r.diverged().isEmpty()) entry.put("diverged", true);
        rt.writer.recovery(entry);
        if (diverged) {
          rt.writer.recovery(new JsonObject().put("kind", "actor-replay-diverged").put("actor", actor.toString())
              .put("calls", new JsonArray().add(index)).put("object", oid.toString()).put("at", System.currentTimeMillis()));
        }
        if (!o.ok()) {
          TaskDone.Failure f = o.failure();
          p.fail(new EmberException(f.code(), "rebuilding " + oid + " (call " + index + " of actor " + actor + "): " + f.type()
              + ": " + f.message()));
          return;
        }
        int size = o.bytes().length();
        rt.store.put(oid, o.bytes()).onComplete(ar -> {
          if (ar.failed()) {
            p.fail(ar.cause());
            return;
          }
          rt.writer.objectCreated(oid, size, oid.task(), kind, rt.nodeId);
          p.complete(rt.directory.self(size));
        });
      } catch (Throwable t) {
        p.fail(t instanceof EmberException e ? e : new EmberException(ErrorCode.OBJECT_LOST, "rebuilding " + oid + " failed: " + t, t));
      }
    });
    return p.future();
  }

  private Future<Location> waitForCopy(ObjectId oid, long deadline) {
    return onContext(rt.gcs.object(oid)).compose(rec -> {
      if (rec != null) {
        for (NodeId n : rec.locations()) {
          var peer = rt.view.find(n);
          if (n.equals(rt.nodeId) && rt.store.contains(oid)) return Future.succeededFuture(rt.directory.self(rec.size()));
          if (peer != null && !peer.dead && peer.host != null) return Future.succeededFuture(new Location(n, peer.host, peer.transferPort, rec.size()));
        }
      }
      if (System.currentTimeMillis() + 50 >= deadline) {
        return Future.failedFuture(new EmberException(ErrorCode.TIMEOUT, "object " + oid + " is being rebuilt elsewhere and did not appear in time"));
      }
      Promise<Location> p = Promise.promise();
      rt.vertx.setTimer(50, t -> waitForCopy(oid, deadline).onComplete(p));
      return p.future();
    });
  }

  /** Completes on the host's event loop (Redis replies arrive on the connection's). */
  private <T> Future<T> onContext(Future<T> f) {
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> context.runOnContext(v -> p.handle(ar)));
    return p.future();
  }

  public void close() {
    threads.shutdownNow();
  }
}
