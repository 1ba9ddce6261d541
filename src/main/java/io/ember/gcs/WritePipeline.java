package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.NodeId;
import io.ember.metrics.EmberMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * How a {@link TableWriter}'s calls reach Redis: the lock-free queue (never dropped; beyond
 * {@link WriterOptions#maxQueued()} the writer says it is {@link #saturated() saturated} so that
 * intake stops taking new work, and {@link #room()} says when it may again), group commit into
 * batches of coalesced script ops, at most {@link WriterOptions#maxInFlight()} batches in flight,
 * acknowledgement (with {@link WriterOptions#replicaAcks()} > 0 only once {@code WAIT} says that
 * many replicas hold the batch: a {@code WAIT} follows each batch on the same connection, and is
 * sent again while too few have it), re-sending every unacknowledged batch in order after the
 * connection is re-made or Redis answers with a transient error, and fencing when Redis refuses
 * this node's epoch, and holding everything while the node resyncs when Redis no longer knows it
 * (a reply to a send made before the resync is ignored: the batch is re-sent with the new epoch).
 * {@link TableWriter} says what to write; this class only moves it.
 * Enqueueing is safe from any thread; everything else runs on the writer's context. It never
 * blocks that context, never drops a call, never answers a caller before its batch counts, and
 * never sends a batch once fenced.
 */
final class WritePipeline {
  /** Applies a batch of one node's table writes, fenced on its epoch (see the .lua file). */
  static final Script SCRIPT = Script.load("table-writer.lua");
  /** A batch takes at most this many calls per script op it may hold. */
  private static final int CALLS_PER_OP = 8;
  private static final Logger LOG = Logger.getLogger(WritePipeline.class.getName());

  private final Context context;
  private final NodeId node;
  private final String nodeKey;
  /** The epoch batches are sealed with: a resync replaces it (writer context; read anywhere). */
  private volatile String epoch;
  private final WriterOptions options;
  private final RedisLink link;
  /** Time of a batch's writes (updatedAt, createdAt), in ms. */
  private final LongSupplier clock;
  private final ConcurrentLinkedQueue<WriteOp> queue = new ConcurrentLinkedQueue<>();
  private final QueueBound bound;
  private final AtomicInteger pendingOps = new AtomicInteger();
  private final AtomicBoolean wakeScheduled = new AtomicBoolean();
  private final ReplicaWait replicas;
  private final AtomicLong scriptOps = new AtomicLong();
  private final AtomicBoolean fencedOnce = new AtomicBoolean();
  private volatile boolean fenced;
  private volatile boolean closed;
  private volatile long lastAppliedNanos = System.nanoTime();
  private volatile Handler<String> fencedHandler = msg -> { };
  private volatile Handler<Throwable> errorHandler = e -> { };
  /** Asked when Redis no longer knows this epoch (RESYNC); null: fence as for FENCED. */
  private volatile Function<ResyncAsk, Future<Republish>> resyncHandler;
  /** Sending stopped while the node re-registers (writer context). */
  private boolean resyncing;
  /** Send time (nanoTime) of the newest batch Redis applied: the node was current at least then. */
  private volatile long currentSinceNanos = System.nanoTime();
  private final WriteSequence sequence = new WriteSequence();
  /** Sent and not yet acknowledged, oldest first (context-confined). */
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();

  WritePipeline(Context context, RedisOptions redis, NodeId node, long epoch, WriterOptions options, LongSupplier clock) {
    this.context = context;
    this.clock = clock;
    this.node = node;
    this.nodeKey = Keys.node(node);
    this.epoch = Long.toString(epoch);
    this.options = options;
    this.bound = new QueueBound(options.maxQueued());
    this.link = new RedisLink(context, redis, options, SCRIPT, this::resend);
    this.replicas = new ReplicaWait(node, link, options.replicaAcks(), options.acksOnceGrown());
    context.runOnContext(v -> link.start());
  }

  boolean fenced() {
    return fenced;
  }

  boolean closed() {
    return closed;
  }

  long lastAppliedNanos() {
    return lastAppliedNanos;
  }

  int pending() {
    return pendingOps.get();
  }

  /** See {@link QueueBound#saturated()}. */
  boolean saturated() {
    return bound.saturated();
  }

  /** Completes once the writer is not saturated: at once if it is not now. */
  Future<Void> room() {
    return bound.room();
  }

  long scriptOps() {
    return scriptOps.get();
  }

  boolean connected() {
    return link.ready();
  }

  void onFenced(Handler<String> h) {
    fencedHandler = h;
  }

  void onError(Handler<Throwable> h) {
    errorHandler = h;
  }

  void onResync(Function<ResyncAsk, Future<Republish>> h) {
    resyncHandler = h;
  }

  long epoch() {
    return Long.parseLong(epoch);
  }

  /** Completes when every op queued before this call is in Redis (and on enough replicas); fails if fenced or closed. */
  Future<Void> flush() {
    if (fenced) return Future.failedFuture(fencedError("flush"));
    if (closed) return Future.failedFuture(closedError());
    Promise<Void> p = Promise.promise();
    queue.offer(new WriteOp.Marker(p));
    wake();
    return p.future();
  }

  Future<Void> close() {
    closed = true;
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      link.close();
      failAll(closedError());
      p.complete();
    });
    return p.future();
  }

  EmberException closedError() {
    return new EmberException(ErrorCode.UNAVAILABLE, "the table writer of node " + node + " is closed");
  }

  /** Never refuses and never drops: the bound is kept by intake, which asks {@link #saturated()} first. */
  void enqueue(WriteOp op) {
    if (fenced || closed) return;
    queue.offer(op);
    pendingOps.incrementAndGet();
    if (bound.added()) {
      context.runOnContext(v -> LOG.warning("table writer of node " + node + ": over " + options.maxQueued()
          + " writes queued (Redis " + (link.ready() ? "slow" : "unreachable") + "): taking no new work until it drains"));
    }
    wake();
  }

  private void checkRoom() {
    if (bound.checkRoom()) {
      LOG.info("table writer of node " + node + ": queue drained below " + (options.maxQueued() / 2 + 1) + ", taking work again");
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
    while (!fenced && !resyncing && link.ready() && inFlight.size() < options.maxInFlight()) {
      Batch b = nextBatch();
      if (b == null) break;
      inFlight.addLast(b);
      send(b);
    }
    checkRoom();
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
        bound.taken();
        b.add(op);
      }
    }
    if (b.isEmpty()) return null;
    b.seal(head(b));
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
    String sentEpoch = epoch;
    long sentNanos = System.nanoTime();
    b.applied = false;
    b.sentEpoch = sentEpoch;
    link.send(b.request).onComplete(ar -> {
      if (ar.succeeded()) {
        if (sentNanos - currentSinceNanos > 0) currentSinceNanos = sentNanos;
        EmberMetrics.redisBatch(System.nanoTime() - sentNanos);
        applied(b, ar.result());
      } else {
        refused(b, gen, sentEpoch, sentNanos, ar.cause());
      }
    });
    if (options.replicaAcks() > 0) awaitReplicas(b, gen);  // pipelined right behind it, on the same connection
  }

  /** Redis applied the batch: it counts now, or once enough replicas have it. */
  private void applied(Batch b, Response reply) {
    if (!inFlight.contains(b)) return;
    lastAppliedNanos = System.nanoTime();   // proof that this epoch is current, whatever the replicas say
    link.healthy();
    b.applied = true;
    b.reply = reply;
    if (options.replicaAcks() == 0) acknowledged(b);
  }

  /** WAIT covers every write this connection made before it: once enough replicas have {@code b}, every batch up to it counts. */
  private void awaitReplicas(Batch b, int gen) {
    replicas.after(b, gen, () -> !fenced && inFlight.contains(b), () -> {
      while (!inFlight.isEmpty() && inFlight.peekFirst().applied) {
        Batch head = inFlight.peekFirst();
        acknowledged(head);
        if (head == b) break;
      }
    });
  }

  private void acknowledged(Batch b) {
    if (!inFlight.remove(b)) return;
    sequence.acknowledged(b.seq, b.sentEpoch, epoch);
    Response reply = b.reply;
    pendingOps.addAndGet(-b.calls());
    scriptOps.addAndGet(b.ops());
    // one entity's unreadable row: its ops were skipped, the rest applied; said once per batch
    b.completeFrom(reply, p -> errorHandler.handle(new CorruptRowException("node " + node + "'s writes skipped a row: " + p, null)));
    drain();
  }

  private void refused(Batch b, int gen, String sentEpoch, long sentNanos, Throwable cause) {
    if (fenced || !inFlight.contains(b)) return;
    if (!(cause instanceof Response)) {
      link.lost(gen, cause);   // transport failure: reconnect, then resend
      return;
    }
    String msg = String.valueOf(cause.getMessage());
    boolean fencing = msg.startsWith("FENCED") || msg.startsWith("RESYNC");
    if (fencing && (resyncing || !sentEpoch.equals(epoch))) {
      return; // sent before a resync: it is re-sent with the new epoch when that completes (or was)
    }
    if (msg.startsWith("RESYNC")) {
      resync(msg);
    } else if (msg.startsWith("FENCED")) {
      fence(msg);
    } else if (RedisErrors.isTransientForWriter(cause)) {
      link.lost(gen, cause);   // e.g. NOSCRIPT after a restart, LOADING: reconnect, reload, resend in order
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
    if (resyncing) return; // the resync re-sends everything with the new epoch
    for (Batch b : new ArrayList<>(inFlight)) if (!fenced) send(b);
    drain();
  }

  /** Redis lost this node's row: ask for a new epoch and what to re-publish first; nothing is sent meanwhile. */
  private void resync(String reason) {
    Function<ResyncAsk, Future<Republish>> h = resyncHandler;
    if (h == null) {
      fence(reason);
      return;
    }
    resyncing = true;
    ResyncAsk ask = new ResyncAsk(reason, Long.parseLong(epoch), currentSinceNanos);
    Future<Republish> answer;
    try {
      answer = h.apply(ask);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(ar -> context.runOnContext(v -> resynced(ar.succeeded() ? ar.result() : null,
        ar.succeeded() ? null : String.valueOf(ar.cause().getMessage()))));
  }

  /** The new epoch is in Redis: the republished rows go first, then every held batch, re-sealed with it. */
  private void resynced(Republish r, String failure) {
    resyncing = false;
    if (fenced || closed) return;
    if (r == null) {
      fence(failure);
      return;
    }
    epoch = Long.toString(r.epoch());
    sequence.newEpoch();
    List<Batch> held = new ArrayList<>(inFlight);
    inFlight.clear();
    for (Batch b : r.batches(options)) {
      pendingOps.addAndGet(b.calls());
      inFlight.addLast(b);
    }
    inFlight.addAll(held);
    for (Batch b : inFlight) b.seal(head(b));
    currentSinceNanos = System.nanoTime();
    if (!link.ready()) return; // the reconnect re-sends them
    for (Batch b : new ArrayList<>(inFlight)) send(b);
    drain();
  }

  /** EVALSHA, the node key, the epoch, now, the batch's sequence number and the watermark (see {@link WriteSequence}). */
  private Request head(Batch b) {
    b.seq = sequence.next();
    return Request.cmd(Command.EVALSHA).arg(SCRIPT.sha()).arg(1).arg(nodeKey).arg(epoch).arg(clock.getAsLong())
        .arg(b.seq).arg(sequence.watermark());
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
    bound.reset();
    pendingOps.set(0);
  }

  EmberException fencedError(String reason) {
    return new EmberException(ErrorCode.FENCED, "node " + node + " epoch " + epoch + " is fenced: " + reason);
  }
}
