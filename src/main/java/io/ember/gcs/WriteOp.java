package io.ember.gcs;

import io.ember.ids.ActorId;
import io.ember.ids.JobId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Promise;
import java.util.Map;

/**
 * One call of the {@link TableWriter} write API as queued (immutable; text already formatted on
 * the caller's thread, a failure as its record), or a flush marker. A {@link Batch} folds the
 * calls that write the same row into one {@link ScriptOp}: {@link #key()} names that row.
 */
sealed interface WriteOp {
  /** The row this call writes: calls with equal keys in one batch merge; null = never merges. */
  Object key();

  /** A new script op holding just this call. */
  ScriptOp start();

  /** Folds this call, made after every call already in {@code op}, into it. */
  void foldInto(ScriptOp op);

  record Submitted(TaskId id, byte[] spec, String job, String function, String owner) implements WriteOp {
    public Object key() {
      return id;
    }

    public ScriptOp start() {
      return new ScriptOp.TaskWrite(id).fold(this);
    }

    public void foldInto(ScriptOp op) {
      ((ScriptOp.TaskWrite) op).fold(this);
    }
  }

  /** {@code node} "" = no node given (the row's node field is left as it is); {@code failure} null = none. */
  record StateChanged(TaskId id, TaskState state, String node, String attempts, TaskFailure failure) implements WriteOp {
    public Object key() {
      return id;
    }

    public ScriptOp start() {
      return new ScriptOp.TaskWrite(id).fold(this);
    }

    public void foldInto(ScriptOp op) {
      ((ScriptOp.TaskWrite) op).fold(this);
    }
  }

  record ObjectCreated(ObjectId id, String size, String task, String kind, String location) implements WriteOp {
    public Object key() {
      return id;
    }

    public ScriptOp start() {
      return new ScriptOp.ObjectWrite(id).fold(this);
    }

    public void foldInto(ScriptOp op) {
      ((ScriptOp.ObjectWrite) op).fold(this);
    }
  }

  record LocationRemoved(ObjectId id, String location) implements WriteOp {
    public Object key() {
      return id;
    }

    public ScriptOp start() {
      return new ScriptOp.ObjectWrite(id).fold(this);
    }

    public void foldInto(ScriptOp op) {
      ((ScriptOp.ObjectWrite) op).fold(this);
    }
  }

  /** The writer's own node row: a later heartbeat replaces an earlier one. */
  record Heartbeat(String at, String load) implements WriteOp {
    static final Object KEY = new Object();

    public Object key() {
      return KEY;
    }

    public ScriptOp start() {
      return new ScriptOp.HeartbeatWrite(this);
    }

    public void foldInto(ScriptOp op) {
      ((ScriptOp.HeartbeatWrite) op).last = this;
    }
  }

  record JobFields(JobId id, Map<String, String> fields) implements WriteOp {
    public Object key() {
      return id;
    }

    public ScriptOp start() {
      return new ScriptOp.JobWrite(id).fold(this);
    }

    public void foldInto(ScriptOp op) {
      ((ScriptOp.JobWrite) op).fold(this);
    }
  }

  /** A recovery-log entry: appended, never merged (every entry is kept, in order); {@code task}: a task-level one. */
  record Recovery(String json, boolean task) implements WriteOp {
    public Object key() {
      return null;
    }

    public ScriptOp start() {
      return new ScriptOp.RecoveryWrite(json, task);
    }

    public void foldInto(ScriptOp op) {
      throw new IllegalStateException("recovery entries never merge");
    }
  }

  /** Touches nothing: a batch holding it proves that the node's epoch was still current. */
  record Probe() implements WriteOp {
    public Object key() {
      return null;
    }

    public ScriptOp start() {
      return new ScriptOp.ProbeWrite();
    }

    public void foldInto(ScriptOp op) {
      throw new IllegalStateException("probes never merge");
    }
  }

  /** The row of one actor: its ops in a batch stay in order in one {@link ScriptOp.ActorWrite}. */
  record ActorKey(ActorId actor) {}

  /**
   * One op on an actor's rows (see table-writer.lua: N, A, C, R, D). {@code args} are the op's
   * script arguments after the code and the actor id; {@code done} completes when it is applied
   * and fails if Redis refused it (the actor is hosted elsewhere now) or the batch failed.
   */
  record Actor(ActorId actor, String code, Object[] args, Promise<Void> done) implements WriteOp {
    public Object key() {
      return new ActorKey(actor);
    }

    public ScriptOp start() {
      return new ScriptOp.ActorWrite(actor).fold(this);
    }

    public void foldInto(ScriptOp op) {
      ((ScriptOp.ActorWrite) op).fold(this);
    }
  }

  /** Not a write: completes once every call queued before it is acknowledged. */
  record Marker(Promise<Void> promise) implements WriteOp {
    public Object key() {
      return null;
    }

    public ScriptOp start() {
      throw new IllegalStateException("a flush marker is not a write");
    }

    public void foldInto(ScriptOp op) {
      throw new IllegalStateException("a flush marker is not a write");
    }
  }
}
