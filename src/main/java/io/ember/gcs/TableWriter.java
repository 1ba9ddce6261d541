package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorCreateSpec;
import io.ember.api.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One node's writes to the GCS tables: fenced by the node's epoch, batched, pipelined, and
 * kept across Redis outages.
 *
 * <p><b>Enqueue</b>: the write methods are cheap and may be called from any thread; they put the
 * call on a lock-free queue and wake the writer's context. <b>Send</b> (on that context only):
 * group commit — when nothing is in flight the queue is sent at once; while batches are in
 * flight calls accumulate; at most {@link WriterOptions#maxInFlight()} batches are outstanding.
 * <b>Coalesce</b>: within a batch, the calls on one row (a task, an object, a job, the heartbeat)
 * merge into one script op holding their net effect — a task submitted, started and finished in
 * one batch is one row write and never enters its node's task set — so Redis does one op's work
 * per row, not per call (see {@link ScriptOp}); a batch is at most
 * {@link WriterOptions#maxBatchOps()} such ops. Each batch is one EVALSHA of
 * {@code table-writer.lua}, which applies all of it or — when the node's epoch is no longer
 * current or the node is DEAD — none of it. The tables end exactly as if every call had been
 * applied alone, in order.
 *
 * <p><b>Fenced</b>: {@link #onFenced} is called once, queued ops are dropped and later ones
 * ignored: a fenced node must rejoin as a new incarnation. <b>Redis lost</b>: ops stay queued
 * (at most {@link WriterOptions#maxQueued()}; beyond that the oldest are dropped and reported
 * through {@link #onError}), the connection is re-made with backoff, and unacknowledged
 * batches are re-sent in order; the script's ops are idempotent, so a batch applied before the
 * loss is harmless when applied again (except the recovery log, which may repeat an entry).
 *
 * <p>It never blocks its context and never lets a write of a fenced epoch reach the tables.
 */
public final class TableWriter {
  /** Applies a batch of one node's table writes, fenced on its epoch (see the .lua file). */
  static final Script SCRIPT = Script.load("table-writer.lua");
  /** A batch takes at most this many calls per script op it may hold. */
  private static final int CALLS_PER_OP = 8;
  private static final Set<String> TRANSIENT = Set.of("NOSCRIPT", "LOADING", "BUSY", "TRYAGAIN",
      "MASTERDOWN", "READONLY", "OOM", "CLUSTERDOWN");

  private final Context context;
  private final NodeId node;
  private final String nodeKey;
  private final String epoch;
  private final WriterOptions options;
  private final RedisLink link;
  /** Time of a batch's writes (updatedAt, createdAt), in ms. */
  private final LongSupplier clock;

  private final ConcurrentLinkedQueue<WriteOp> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedOps = new AtomicInteger();
  private final AtomicInteger pendingOps = new AtomicInteger();
  private final AtomicBoolean wakeScheduled = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedTotal = new AtomicLong();
  private final AtomicLong scriptOps = new AtomicLong();
  private final AtomicBoolean fencedOnce = new AtomicBoolean();
  private volatile boolean fenced;
  private volatile boolean closed;
  private volatile long lastAppliedNanos = System.nanoTime();
  private volatile Handler<String> fencedHandler = msg -> { };
  private volatile Handler<Throwable> errorHandler = e -> { };

  /** Sent and not yet acknowledged, oldest first (context-confined). */
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();

  TableWriter(Context context, RedisOptions redis, NodeId node, long epoch, WriterOptions options, LongSupplier clock) {
    this.context = context;
    this.clock = clock;
    this.node = node;
    this.nodeKey = Keys.node(node);
    this.epoch = Long.toString(epoch);
    this.options = options;
    this.link = new RedisLink(context, redis, options, SCRIPT, this::resend);
    context.runOnContext(v -> link.start());
  }

  public NodeId node() {
    return node;
  }

  public long epoch() {
    return Long.parseLong(epoch);
  }

  // ---- the write API: any thread, never blocks -------------------------------------------

  /** Records a new task (state PENDING) with its spec, the lineage kept for reconstruction. */
  public void taskSubmitted(TaskId id, byte[] spec, JobId job, String function, ClientId owner) {
    enqueue(new WriteOp.Submitted(id, spec.clone(), text(job), text(function), text(owner)));
  }

  /**
   * Moves a task to {@code state}; {@code node} is where it is queued, running or ended (null =
   * leave the recorded node as it is). While the recorded state is QUEUED or RUNNING the task is
   * in the recorded node's task set. {@code failureOrNull} is stored in the row's error fields
   * (null clears them).
   */
  public void taskState(TaskId id, TaskState state, NodeId node, int attempts, TaskFailure failureOrNull) {
    enqueue(new WriteOp.StateChanged(id, state, text(node), Integer.toString(attempts), failureOrNull));
  }

  /** Records that {@code location} holds a copy of the object (adding the object row if new). */
  public void objectCreated(ObjectId id, long size, TaskId task, String kind, NodeId location) {
    if (size < 0) throw new IllegalArgumentException("an object size is >= 0, got " + size);
    enqueue(new WriteOp.ObjectCreated(id, Long.toString(size), text(task), text(kind), location.toString()));
  }

  /** Records that {@code location} no longer holds a copy of the object. */
  public void objectLocationRemoved(ObjectId id, NodeId location) {
    enqueue(new WriteOp.LocationRemoved(id, location.toString()));
  }

  /** Writes this node's heartbeat time and load (JSON text). */
  public void heartbeat(long nowMillis, String loadJson) {
    enqueue(new WriteOp.Heartbeat(Long.toString(nowMillis), text(loadJson)));
  }

  /** Sets fields of a job's row (and adds the job to the job set). */
  public void jobFields(JobId job, Map<String, String> fields) {
    Map<String, String> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, text(v)));
    enqueue(new WriteOp.JobFields(job, copy));
  }

  /** Appends an entry to the recovery ledger (newest first, capped at {@value Keys#RECOVERIES_CAP}). */
  public void recovery(LedgerEntry entry) {
    enqueue(new WriteOp.Recovery(entry.toJson().encode(), RecoveryLedger.taskLevel(entry)));
  }

  /** Any JSON as a ledger line: for tests that fill the ledger with entries of no kind. */
  void recovery(JsonObject json) {
    enqueue(new WriteOp.Recovery(json.encode(), false));
  }

  // ---- actors (see table-writer.lua: N A C R D) ---------------------------------------------

  /** Records a new actor hosted by this node, in {@code state} (ALIVE, or DEAD with an error). */
  public Future<Void> actorCreated(ActorCreateSpec spec, String resourcesJson, ActorState state, String error) {
    return actor(spec.actor(), "N", spec.encode().getBytes(), spec.className(), resourcesJson,
        Integer.toString(spec.maxRestarts()), state.name(), text(error), spec.owner().value());
  }

  /** Appends method-log entry {@code index} of the actor's incarnation hosted here (a call with no output object). */
  public Future<Void> actorAppend(ActorId actor, long incarnation, long index, byte[] entry) {
    return actorAppend(actor, incarnation, index, entry, null, -1);
  }

  /**
   * Appends method-log entry {@code index} of the actor's incarnation hosted here and, in the
   * same atomic step, records the call's output object {@code <call>.1} ({@code size} bytes) at
   * this node; {@code call} null = the call has no output object.
   */
  public Future<Void> actorAppend(ActorId actor, long incarnation, long index, byte[] entry, TaskId call, long size) {
    return actor(actor, "A", Long.toString(incarnation), Long.toString(index), entry, call == null ? "" : call.toString(),
        call == null ? "" : Long.toString(size));
  }

  /** Stores a checkpoint taken after {@code position} calls; keeps the newest {@code keep} and trims the log. */
  public Future<Void> actorCheckpoint(ActorId actor, long incarnation, long position, int keep, byte[] blob) {
    return actor(actor, "C", Long.toString(incarnation), Long.toString(position), Integer.toString(keep), blob);
  }

  /** The actor's incarnation hosted here finished its replay: RESTARTING becomes ALIVE. */
  public Future<Void> actorRestored(ActorId actor, long incarnation) {
    return actor(actor, "R", Long.toString(incarnation));
  }

  /** The actor's incarnation hosted here cannot serve (its constructor or replay failed). */
  public Future<Void> actorDied(ActorId actor, long incarnation, String error) {
    return actor(actor, "D", Long.toString(incarnation), text(error));
  }

  private Future<Void> actor(ActorId actor, String code, Object... args) {
    if (fenced) return Future.failedFuture(fencedError(code));
    if (closed) return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "the table writer of node " + node + " is closed"));
    Promise<Void> p = Promise.promise();
    enqueue(new WriteOp.Actor(actor, code, args, p));
    return p.future();
  }

  /** Completes once Redis has applied a batch sent after this call: proof that this node was still current. */
  public Future<Void> probe() {
    if (fenced) return Future.failedFuture(fencedError("probe"));
    enqueue(new WriteOp.Probe());
    return flush();
  }

  /** Nanos (System.nanoTime) when Redis last applied a batch of this writer: the node was current then. */
  public long lastAppliedNanos() {
    return lastAppliedNanos;
  }

  /** Completes when every op queued before this call is in Redis; fails if fenced or if one was dropped. */
  public Future<Void> flush() {
    if (fenced) return Future.failedFuture(fencedError("flush"));
    if (closed) return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "the table writer of node " + node + " is closed"));
    Promise<Void> p = Promise.promise();
    queue.offer(new WriteOp.Marker(p));
    wake();
    return p.future();
  }

  /** Ops queued or sent and not yet acknowledged. */
  public int pending() {
    return pendingOps.get();
  }

  /** Ops dropped so far because the queue was over its bound (each drop is also reported to onError). */
  public long droppedOps() {
    return droppedTotal.get();
  }

  /** Script ops acknowledged so far: rows written, after merging the calls on each row within a batch. */
  long scriptOps() {
    return scriptOps.get();
  }

  public boolean fenced() {
    return fenced;
  }

  /** True while the dedicated connection is up and the write script loaded (a snapshot, any thread). */
  public boolean connected() {
    return link.ready();
  }

  /** Called once, on the writer's context, with Redis's reason, when this node's epoch is rejected. */
  public TableWriter onFenced(Handler<String> h) {
    fencedHandler = h;
    return this;
  }

  /** Called on the writer's context for dropped ops and for batches Redis refused (not for fencing). */
  public TableWriter onError(Handler<Throwable> h) {
    errorHandler = h;
    return this;
  }

  /** Closes the connection now: call {@link #flush()} first if the queued ops matter. */
  public Future<Void> close() {
    closed = true;
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      link.close();
      failAll(new EmberException(ErrorCode.UNAVAILABLE, "the table writer of node " + node + " is closed"));
      p.complete();
    });
    return p.future();
  }

  private static String text(Object o) {
    return o == null ? "" : o.toString();
  }

  private void enqueue(WriteOp op) {
    if (fenced || closed) return;
    queue.offer(op);
    pendingOps.incrementAndGet();
    if (queuedOps.incrementAndGet() > options.maxQueued()) dropOldest();
    wake();
  }

  private void dropOldest() {
    long n = 0;
    while (queuedOps.get() > options.maxQueued()) {
      WriteOp op = queue.poll();
      if (op == null) break;
      if (op instanceof WriteOp.Marker m) {
        m.promise().tryFail(new EmberException(ErrorCode.UNAVAILABLE, "GCS writes queued before this flush were dropped"));
        continue;
      }
      if (op instanceof WriteOp.Actor a) {
        a.done().tryFail(new EmberException(ErrorCode.UNAVAILABLE, "GCS write queue over its bound: an actor write was dropped"));
      }
      queuedOps.decrementAndGet();
      pendingOps.decrementAndGet();
      n++;
    }
    droppedTotal.addAndGet(n);
    if (n > 0 && dropped.getAndAdd(n) == 0) {
      context.runOnContext(v -> {
        long total = dropped.getAndSet(0);
        errorHandler.handle(new EmberException(ErrorCode.UNAVAILABLE, "GCS write queue of node " + node
            + " over " + options.maxQueued() + " ops while Redis is unreachable: dropped the " + total + " oldest"));
      });
    }
  }

  private void wake() {
    if (wakeScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        wakeScheduled.set(false);
        drain();
      });
    }
  }

  // ---- the send side: writer context only ------------------------------------------------

  private void drain() {
    while (!fenced && link.ready() && inFlight.size() < options.maxInFlight()) {
      Batch b = nextBatch();
      if (b == null) return;
      inFlight.addLast(b);
      send(b);
    }
  }

  /**
   * Takes calls off the queue until the batch holds maxBatchOps script ops (or
   * {@value #CALLS_PER_OP} times as many calls: merging is bounded too); flush markers join the
   * batch holding the calls before them.
   */
  private Batch nextBatch() {
    Batch b = new Batch(options.coalesce());
    long maxCalls = (long) CALLS_PER_OP * options.maxBatchOps();
    while (b.ops() < options.maxBatchOps() && b.calls() < maxCalls) {
      WriteOp op = queue.poll();
      if (op == null) break;
      if (op instanceof WriteOp.Marker m) {
        attachMarker(b, m.promise());
      } else {
        queuedOps.decrementAndGet();
        b.add(op);
      }
    }
    if (b.isEmpty()) return null;
    b.seal(Request.cmd(Command.EVALSHA).arg(SCRIPT.sha()).arg(1).arg(nodeKey).arg(epoch)
        .arg(clock.getAsLong()));
    return b;
  }

  private void attachMarker(Batch current, Promise<Void> marker) {
    if (!current.isEmpty()) {
      current.markers.add(marker);
    } else if (!inFlight.isEmpty()) {
      inFlight.peekLast().markers.add(marker);
    } else {
      marker.tryComplete();
    }
  }

  private void send(Batch b) {
    int gen = link.generation();
    link.send(b.request).onComplete(ar -> {
      if (ar.succeeded()) {
        acknowledged(b, ar.result());
      } else {
        refused(b, gen, ar.cause());
      }
    });
  }

  private void acknowledged(Batch b, Response reply) {
    if (!inFlight.remove(b)) return;
    lastAppliedNanos = System.nanoTime();
    pendingOps.addAndGet(-b.calls());
    scriptOps.addAndGet(b.ops());
    Set<String> refused = Set.of();
    if (reply != null && reply.type() == ResponseType.MULTI && reply.size() > 1) {
      refused = new HashSet<>();
      for (int i = 1; i < reply.size(); i++) refused.add(reply.get(i).toString());
    }
    b.complete(refused);
    link.healthy();
    drain();
  }

  private void refused(Batch b, int gen, Throwable cause) {
    if (fenced || !inFlight.contains(b)) return;
    if (!(cause instanceof Response)) {
      link.lost(gen, cause);   // transport failure: reconnect, then resend
      return;
    }
    String msg = String.valueOf(cause.getMessage());
    if (msg.startsWith("FENCED")) {
      fence(msg);
    } else if (TRANSIENT.contains(msg.split(" ", 2)[0])) {
      link.lost(gen, cause);   // e.g. NOSCRIPT after a restart, LOADING: reconnect, reload, resend
    } else {
      inFlight.remove(b);
      pendingOps.addAndGet(-b.calls());
      EmberException e = new EmberException(ErrorCode.INTERNAL, "Redis refused a batch of " + b.calls()
          + " GCS writes from node " + node + ": " + msg, cause);
      b.fail(e);
      errorHandler.handle(e);
      drain();
    }
  }

  /**
   * Connection (re)made and script loaded: re-send everything unacknowledged, in order, then go
   * on. (While the link is down nothing is sent: batches wait in flight, ops wait in the queue.)
   */
  private void resend() {
    List<Batch> again = new ArrayList<>(inFlight);
    for (Batch b : again) {
      if (!fenced) send(b);
    }
    drain();
  }

  private void fence(String reason) {
    fenced = true;
    link.close();
    failAll(fencedError(reason));
    if (fencedOnce.compareAndSet(false, true)) fencedHandler.handle(reason);
  }

  private void failAll(Throwable cause) {
    for (Batch b : inFlight) b.fail(cause);
    inFlight.clear();
    WriteOp op;
    while ((op = queue.poll()) != null) {
      if (op instanceof WriteOp.Marker m) m.promise().tryFail(cause);
      if (op instanceof WriteOp.Actor a) a.done().tryFail(cause);
    }
    queuedOps.set(0);
    pendingOps.set(0);
  }

  private EmberException fencedError(String reason) {
    return new EmberException(ErrorCode.FENCED, "node " + node + " epoch " + epoch + " is fenced: " + reason);
  }
}
