package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.ids.ActorId;
import io.ember.ids.JobId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.api.ErrorCode;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One op of the write script ({@code table-writer.lua}): the net effect of every call on one
 * row within one batch, encoded as the script's op code and arguments.
 *
 * <p>The merge rule is "what applying the calls one by one would leave": the row's fields are
 * those of the last call that sets them, set memberships are the last add or remove of each
 * member, and counters and node task sets are derived by the script from the row as it was
 * before the batch and as it is after, so they need no intermediate state. Mutable while the
 * batch is built (writer context only), then frozen into the batch's request.
 */
abstract sealed class ScriptOp {
  abstract void appendTo(Request r);

  /** The batch holding this op was applied; {@code refusedActors} are the actor ids the script refused. */
  void applied(Set<String> refusedActors) {
  }

  /** The batch holding this op failed as a whole. */
  void failed(Throwable cause) {
  }

  /** The Redis key of the entity this op writes (its row; an actor's also prefixes its log and checkpoints), or null. */
  String rowKey() {
    return null;
  }

  /** The problem the script reported with this op's row, if any: {@code "CORRUPT <key> ..."} naming it. */
  final String problemIn(List<String> problems) {
    String key = rowKey();
    if (key == null) return null;
    for (String p : problems) {
      if (p.startsWith("CORRUPT " + key + " ") || p.startsWith("CORRUPT " + key + ":")) return p;
    }
    return null;
  }

  private static void args(Request r, String... values) {
    for (String v : values) r.arg(v);
  }

  /**
   * A task row. Wire: {@code T id state node attempts error errorCode errorType errorSubject}
   * (node "" = leave the row's node) or, when the batch submitted it,
   * {@code S id spec job function owner state node attempts error errorCode errorType errorSubject}
   * (node "" = no node: the submit cleared it and no later call set one). The four error fields
   * are the last call's {@link TaskFailure}, each "" when absent: they are set together, like one field.
   */
  static final class TaskWrite extends ScriptOp {
    private final TaskId id;
    private WriteOp.Submitted submitted;
    private TaskState state;
    private String node = "";
    private String attempts;
    private TaskFailure failure;

    @Override
    String rowKey() {
      return Keys.task(id);
    }

    TaskWrite(TaskId id) {
      this.id = id;
    }

    TaskWrite fold(WriteOp.Submitted s) {
      if (submitted == null) submitted = s; // a task id names one spec: the first submission's stays
      if (state != null && stale(TaskState.PENDING, "0")) return this; // keeps the newer state
      state = TaskState.PENDING;
      node = "";
      attempts = "0";
      failure = null;
      return this;
    }

    TaskWrite fold(WriteOp.StateChanged t) {
      if (state != null && stale(t.state(), t.attempts())) return this;
      state = t.state();
      if (!t.node().isEmpty()) node = t.node();
      attempts = t.attempts();
      failure = t.failure();
      return this;
    }

    /** The rule of table-writer.lua: (attempt, rank) never decreases; on a tie the later write wins. */
    private boolean stale(TaskState newState, String newAttempts) {
      int a = Integer.parseInt(attempts);
      int na = Integer.parseInt(newAttempts);
      return a > na || (a == na && state.rank() > newState.rank());
    }

    @Override
    void appendTo(Request r) {
      if (submitted == null) {
        args(r, "T", id.toString());
      } else {
        args(r, "S", id.toString());
        r.arg(submitted.spec());
        args(r, submitted.job(), submitted.function(), submitted.owner());
      }
      args(r, state.name(), node, attempts);
      if (failure == null) {
        args(r, "", "", "", "");
      } else {
        args(r, text(failure.message()), failure.code() == null ? "" : failure.code().name(), text(failure.type()),
            text(failure.subject()));
      }
    }

    private static String text(String s) {
      return s == null ? "" : s;
    }
  }

  /**
   * An object row and its locations. Wire: {@code O id size task kind adds removes}: size, task
   * and kind of the last objectCreated ("" size = none in this batch: the row is left as it is);
   * adds and removes are comma-separated node ids (node ids have no commas), each location in at
   * most one of them (its last call wins).
   */
  static final class ObjectWrite extends ScriptOp {
    private final ObjectId id;
    private WriteOp.ObjectCreated created;
    private final List<String> locations = new ArrayList<>(1);
    private final List<Boolean> present = new ArrayList<>(1);

    @Override
    String rowKey() {
      return Keys.object(id);
    }

    ObjectWrite(ObjectId id) {
      this.id = id;
    }

    ObjectWrite fold(WriteOp.ObjectCreated o) {
      created = o;
      at(o.location(), true);
      return this;
    }

    ObjectWrite fold(WriteOp.LocationRemoved x) {
      at(x.location(), false);
      return this;
    }

    private void at(String location, boolean there) {
      int i = locations.indexOf(location);
      if (i < 0) {
        locations.add(location);
        present.add(there);
      } else {
        present.set(i, there);
      }
    }

    @Override
    void appendTo(Request r) {
      args(r, "O", id.toString());
      if (created == null) {
        args(r, "", "", "");
      } else {
        args(r, created.size(), created.task(), created.kind());
      }
      args(r, join(true), join(false));
    }

    private String join(boolean there) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < locations.size(); i++) {
        if (present.get(i) != there) continue;
        if (sb.length() > 0) sb.append(',');
        sb.append(locations.get(i));
      }
      return sb.toString();
    }
  }

  /** The writer's node row. Wire: {@code H heartbeatAt load}. */
  static final class HeartbeatWrite extends ScriptOp {
    WriteOp.Heartbeat last;

    HeartbeatWrite(WriteOp.Heartbeat h) {
      last = h;
    }

    @Override
    void appendTo(Request r) {
      args(r, "H", last.at(), last.load());
    }
  }

  /** A job row. Wire: {@code J id n k1 v1 .. kn vn} (later calls override a field). */
  static final class JobWrite extends ScriptOp {
    private final JobId id;
    private final Map<String, String> fields = new LinkedHashMap<>();

    @Override
    String rowKey() {
      return Keys.job(id);
    }

    JobWrite(JobId id) {
      this.id = id;
    }

    JobWrite fold(WriteOp.JobFields j) {
      fields.putAll(j.fields());
      return this;
    }

    @Override
    void appendTo(Request r) {
      args(r, "J", id.toString(), Integer.toString(fields.size()));
      fields.forEach((k, v) -> args(r, k, v));
    }
  }

  /** Nothing to write. Wire: {@code P}. */
  static final class ProbeWrite extends ScriptOp {
    @Override
    void appendTo(Request r) {
      r.arg("P");
    }
  }

  /** A recovery-log entry. Wire: {@code L json} (node-level) or {@code K json} (a task's). */
  static final class RecoveryWrite extends ScriptOp {
    private final String json;
    private final boolean task;

    RecoveryWrite(String json, boolean task) {
      this.json = json;
      this.task = task;
    }

    @Override
    void appendTo(Request r) {
      args(r, task ? "K" : "L", json);
    }
  }

  /**
   * The ops on one actor's rows in one batch, in call order; consecutive log appends become one
   * {@code A} op carrying all their entries. Each call's promise completes when the batch is
   * applied, or fails when the script refused this actor (another incarnation hosts it now).
   */
  static final class ActorWrite extends ScriptOp {
    private final ActorId actor;
    private final List<WriteOp.Actor> calls = new ArrayList<>(2);

    @Override
    String rowKey() {
      return Keys.actor(actor);
    }

    ActorWrite(ActorId actor) {
      this.actor = actor;
    }

    ActorWrite fold(WriteOp.Actor a) {
      calls.add(a);
      return this;
    }

    @Override
    void appendTo(Request r) {
      String id = actor.toString();
      for (int i = 0; i < calls.size(); i++) {
        WriteOp.Actor a = calls.get(i);
        if (!a.code().equals("A")) {
          r.arg(a.code()).arg(id);
          for (Object v : a.args()) arg(r, v);
          continue;
        }
        // A incarnation first (entry call size): merge the run of appends of one incarnation that follow it
        int j = i;
        while (j + 1 < calls.size() && calls.get(j + 1).code().equals("A") && calls.get(j + 1).args()[0].equals(a.args()[0])) j++;
        r.arg("A").arg(id);
        arg(r, a.args()[0]);
        arg(r, a.args()[1]);
        r.arg(Integer.toString(j - i + 1));
        for (int k = i; k <= j; k++) {
          Object[] x = calls.get(k).args();
          arg(r, x[2]);
          arg(r, x[3]);
          arg(r, x[4]);
        }
        i = j;
      }
    }

    private static void arg(Request r, Object v) {
      if (v instanceof byte[] b) r.arg(b);
      else r.arg(String.valueOf(v));
    }

    @Override
    void applied(Set<String> refusedActors) {
      boolean refused = refusedActors.contains(actor.toString());
      for (WriteOp.Actor a : calls) {
        if (refused) {
          a.done().tryFail(new EmberException(ErrorCode.ACTOR_MOVED,
              "actor " + actor + ": this node's incarnation of it no longer owns its table row"));
        } else {
          a.done().tryComplete();
        }
      }
    }

    @Override
    void failed(Throwable cause) {
      for (WriteOp.Actor a : calls) a.done().tryFail(cause);
    }
  }
}
