package io.ember.gcs;

import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorCreateSpec;
import io.ember.metrics.EmberMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
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
 * ignored: a fenced node must rejoin as a new incarnation. <b>Resync</b>: when Redis no longer
 * knows the epoch (the node's row is gone or behind: {@code RESYNC}), nothing more is sent and
 * {@link #onResync} is asked once; its answer's rows go first, then every held batch, re-sealed
 * with the new epoch. <b>Redis lost, or answering "not
 * now"</b> ({@code LOADING}, {@code BUSY}, {@code READONLY}, {@code MASTERDOWN}, ...): an outage is
 * a pause. Ops stay queued and are never dropped; beyond {@link WriterOptions#maxQueued()} the
 * writer is {@link #saturated()} and intake takes no new work until {@link #room()}; the
 * connection is re-made with backoff, and unacknowledged batches are re-sent in order; the
 * script's ops are idempotent, so a batch applied before the loss is harmless when applied again
 * (except the recovery log, which may repeat an entry). <b>Replicas</b>: with
 * {@link WriterOptions#replicaAcks()} > 0 a batch counts (its actor writes, flushes and probes
 * complete) only once that many replicas hold it, so a failover loses no write anyone was told of.
 *
 * <p>This class is the writer's API (what each call writes, as {@link WriteOp}s); how the calls
 * travel (queue, batches, in-flight window, re-sends, fencing) is {@link WritePipeline}'s. It
 * never blocks its context and never lets a write of a fenced epoch reach the tables.
 */
public final class TableWriter {
  /** The write script (see {@link WritePipeline}). */
  static final Script SCRIPT = WritePipeline.SCRIPT;

  private final NodeId node;
  private final WritePipeline pipeline;

  TableWriter(Context context, RedisOptions redis, NodeId node, long epoch, WriterOptions options, LongSupplier clock) {
    this.node = node;
    this.pipeline = new WritePipeline(context, redis, node, epoch, options, clock);
  }

  public NodeId node() {
    return node;
  }

  /** The epoch this writer's batches carry now (a resync replaces it). */
  public long epoch() {
    return pipeline.epoch();
  }

  // ---- the write API: any thread, never blocks -------------------------------------------

  /** Records a new task (state PENDING) with its spec, the lineage kept for reconstruction. */
  public void taskSubmitted(TaskId id, byte[] spec, JobId job, String function, ClientId owner) {
    EmberMetrics.TASKS_SUBMITTED.increment();
    enqueue(new WriteOp.Submitted(id, spec.clone(), text(job), text(function), text(owner)));
  }

  /**
   * As {@link #taskSubmitted}, for a re-run (not counted as a submission): the spec fields are
   * written only where the row has none, and its state only where the row has none either (a
   * row's later state stays; see {@code table-writer.lua}).
   */
  public void taskSpecKept(TaskId id, byte[] spec, JobId job, String function, ClientId owner) {
    enqueue(new WriteOp.Submitted(id, spec.clone(), text(job), text(function), text(owner)));
  }

  /**
   * Moves a task to {@code state}; {@code node} is where it is queued, running or ended (null =
   * leave the recorded node as it is). While the recorded state is QUEUED or RUNNING the task is
   * in the recorded node's task set. {@code failureOrNull} is stored in the row's error fields
   * (null clears them).
   */
  public void taskState(TaskId id, TaskState state, NodeId node, int attempts, TaskFailure failureOrNull) {
    if (state == TaskState.FINISHED) EmberMetrics.TASKS_FINISHED.increment();
    else if (state == TaskState.FAILED) EmberMetrics.TASKS_FAILED.increment();
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
    EmberMetrics.recovery(entry.kind());
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
    if (pipeline.fenced()) return Future.failedFuture(pipeline.fencedError(code));
    if (pipeline.closed()) return Future.failedFuture(pipeline.closedError());
    Promise<Void> p = Promise.promise();
    enqueue(new WriteOp.Actor(actor, code, args, p));
    return p.future();
  }

  /** Completes once Redis has applied a batch sent after this call: proof that this node was still current. */
  public Future<Void> probe() {
    if (pipeline.fenced()) return Future.failedFuture(pipeline.fencedError("probe"));
    enqueue(new WriteOp.Probe());
    return flush();
  }

  /** Nanos (System.nanoTime) when Redis last applied a batch of this writer: the node was current then. */
  public long lastAppliedNanos() {
    return pipeline.lastAppliedNanos();
  }

  /** Completes when every op queued before this call is in Redis (and on enough replicas); fails if fenced or closed. */
  public Future<Void> flush() {
    return pipeline.flush();
  }

  /** Ops queued or sent and not yet acknowledged. */
  public int pending() {
    return pipeline.pending();
  }

  /**
   * True while more than {@link WriterOptions#maxQueued()} calls wait to be sent (until fewer
   * than half of it do): intake should take no new work meanwhile. Calls are never dropped.
   */
  public boolean saturated() {
    return pipeline.saturated();
  }

  /** Completes once the writer is not {@link #saturated()} (at once if it is not now). */
  public Future<Void> room() {
    return pipeline.room();
  }

  /** Script ops acknowledged so far: rows written, after merging the calls on each row within a batch. */
  long scriptOps() {
    return pipeline.scriptOps();
  }

  public boolean fenced() {
    return pipeline.fenced();
  }

  /** True while the dedicated connection is up and the write script loaded (a snapshot, any thread). */
  public boolean connected() {
    return pipeline.connected();
  }

  /** Called once, on the writer's context, with Redis's reason, when this node's epoch is rejected. */
  public TableWriter onFenced(Handler<String> h) {
    pipeline.onFenced(h);
    return this;
  }

  /**
   * Asked, on the writer's context, when Redis no longer knows this node's epoch (its row is gone
   * or behind): the answer is the new epoch and what to write first; every held write follows,
   * re-sent with the new epoch. A failed answer fences (its message is the reason). Unset: fenced.
   */
  public TableWriter onResync(Function<ResyncAsk, Future<Republish>> h) {
    pipeline.onResync(h);
    return this;
  }

  /** Called on the writer's context for batches Redis refused for good and rows it skipped (not for fencing). */
  public TableWriter onError(Handler<Throwable> h) {
    pipeline.onError(h);
    return this;
  }

  /** Closes the connection now: call {@link #flush()} first if the queued ops matter. */
  public Future<Void> close() {
    return pipeline.close();
  }

  private static String text(Object o) {
    return o == null ? "" : o.toString();
  }

  private void enqueue(WriteOp op) {
    pipeline.enqueue(op);
  }
}
