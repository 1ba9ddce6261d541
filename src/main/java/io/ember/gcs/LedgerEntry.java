package io.ember.gcs;

import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the recovery ledger ({@code ember:recoveries}): one record per kind. Its JSON
 * ({@link #toJson()}, the {@code kind} first) is what {@code status}, the README and the tests
 * read, so a record must never change the JSON its kind had: field names, order and the fields
 * left out when empty are part of the format.
 *
 * <p>{@link NodeDead} is written by the declare-dead script itself (see
 * {@code node-declare-dead.lua}); here it is only read back ({@link #fromJson}).
 */
public sealed interface LedgerEntry {
  /** The {@code kind} field of this entry's JSON. */
  String kind();

  JsonObject toJson();

  /** The typed entry of a ledger line, or null if its kind is not one of these. */
  static LedgerEntry fromJson(JsonObject o) {
    String kind = o.getString("kind");
    if (kind == null) return null;
    return switch (kind) {
      case Leader.KIND -> Leader.fromJson(o);
      case NodeDead.KIND -> NodeDead.fromJson(o);
      case TaskResubmitted.KIND -> TaskResubmitted.fromJson(o);
      case ActorRestored.KIND -> ActorRestored.fromJson(o);
      case ActorOutputRebuilt.KIND -> ActorOutputRebuilt.fromJson(o);
      case ActorReplayDiverged.KIND -> ActorReplayDiverged.fromJson(o);
      case RowCorrupt.KIND -> RowCorrupt.fromJson(o);
      case GcsResynced.KIND -> GcsResynced.fromJson(o);
      default -> null;
    };
  }

  private static JsonObject start(String kind) {
    return new JsonObject().put("kind", kind);
  }

  private static List<Long> longs(JsonArray a) {
    return a == null ? List.of() : a.stream().map(v -> ((Number) v).longValue()).toList();
  }

  /**
   * A node re-registered after Redis lost its row (restarted empty or behind): its epoch before
   * and after, what it re-published, and the milliseconds from the refusal to the re-published
   * rows being in Redis.
   */
  record GcsResynced(NodeId node, long oldEpoch, long newEpoch, long objects, long tasks, long actors, long ms, long at)
      implements LedgerEntry {
    public static final String KIND = "gcs-resynced";

    public String kind() {
      return KIND;
    }

    public JsonObject toJson() {
      return start(KIND).put("node", node.value()).put("oldEpoch", oldEpoch).put("newEpoch", newEpoch)
          .put("objects", objects).put("tasks", tasks).put("actors", actors).put("ms", ms).put("at", at);
    }

    static GcsResynced fromJson(JsonObject o) {
      return new GcsResynced(new NodeId(o.getString("node")), o.getLong("oldEpoch"), o.getLong("newEpoch"),
          o.getLong("objects"), o.getLong("tasks"), o.getLong("actors"), o.getLong("ms"), o.getLong("at"));
    }
  }

  /** A monitor took the lease for {@code term}. */
  record Leader(NodeId node, long term, long at) implements LedgerEntry {
    static final String KIND = "leader";

    public String kind() {
      return KIND;
    }

    public JsonObject toJson() {
      return start(KIND).put("node", node.value()).put("term", term).put("at", at);
    }

    static Leader fromJson(JsonObject o) {
      return new Leader(new NodeId(o.getString("node")), o.getLong("term"), o.getLong("at"));
    }
  }

  /** Written by the declare-dead script: what declaring {@code node} dead changed; {@code by} is the lease value. */
  record NodeDead(NodeId node, String reason, long at, long objectsDropped, long tasksLost, long actorsMoved,
      long actorsDead, long actorsUnplaced, String by) implements LedgerEntry {
    static final String KIND = "node-dead";

    public String kind() {
      return KIND;
    }

    /** The fields the script writes (its cjson may order them differently). */
    public JsonObject toJson() {
      return start(KIND).put("node", node.value()).put("reason", reason).put("at", at)
          .put("objectsDropped", objectsDropped).put("tasksLost", tasksLost).put("actorsMoved", actorsMoved)
          .put("actorsDead", actorsDead).put("actorsUnplaced", actorsUnplaced).put("by", by);
    }

    static NodeDead fromJson(JsonObject o) {
      return new NodeDead(new NodeId(o.getString("node")), o.getString("reason"), o.getLong("at", 0L),
          o.getLong("objectsDropped", 0L), o.getLong("tasksLost", 0L), o.getLong("actorsMoved", 0L),
          o.getLong("actorsDead", 0L), o.getLong("actorsUnplaced", 0L), o.getString("by"));
    }
  }

  /** An owner re-ran {@code task} (its {@code attempt}) to rebuild a lost object; {@code by} is the owner's client id. */
  record TaskResubmitted(TaskId task, String function, int attempt, ClientId by, String reason, long at)
      implements LedgerEntry {
    static final String KIND = "task-resubmitted";

    public String kind() {
      return KIND;
    }

    public JsonObject toJson() {
      return start(KIND).put("task", task.toString()).put("function", function).put("attempt", attempt)
          .put("by", by.value()).put("reason", reason).put("at", at);
    }

    static TaskResubmitted fromJson(JsonObject o) {
      return new TaskResubmitted(TaskId.parse(o.getString("task")), o.getString("function"), o.getInteger("attempt"),
          new ClientId(o.getString("by")), o.getString("reason"), o.getLong("at"));
    }
  }

  /**
   * A new incarnation of {@code actor} replayed its log on {@code node}; {@code diverged} names
   * the calls whose outcome differed from the log (left out of the JSON when none did).
   */
  record ActorRestored(ActorId actor, String className, NodeId node, long incarnation, long checkpoint, long replayed,
      long ms, long at, List<Long> diverged) implements LedgerEntry {
    static final String KIND = "actor-restored";

    public ActorRestored {
      diverged = List.copyOf(diverged);
    }

    public String kind() {
      return KIND;
    }

    public JsonObject toJson() {
      JsonObject o = start(KIND).put("actor", actor.toString()).put("class", className).put("node", node.value())
          .put("incarnation", incarnation).put("checkpoint", checkpoint).put("replayed", replayed).put("ms", ms)
          .put("at", at);
      if (!diverged.isEmpty()) o.put("diverged", new JsonArray(new ArrayList<>(diverged)));
      return o;
    }

    static ActorRestored fromJson(JsonObject o) {
      return new ActorRestored(ActorId.parse(o.getString("actor")), o.getString("class"), new NodeId(o.getString("node")),
          o.getLong("incarnation"), o.getLong("checkpoint"), o.getLong("replayed"), o.getLong("ms"), o.getLong("at"),
          longs(o.getJsonArray("diverged")));
    }
  }

  /** {@code node} rebuilt the lost output {@code object} of call {@code call} of {@code actor} by replay. */
  record ActorOutputRebuilt(ActorId actor, ObjectId object, long call, long checkpoint, long replayed, long ms,
      NodeId node, long at, boolean diverged) implements LedgerEntry {
    static final String KIND = "actor-output-rebuilt";

    public String kind() {
      return KIND;
    }

    public JsonObject toJson() {
      JsonObject o = start(KIND).put("actor", actor.toString()).put("object", object.toString()).put("call", call)
          .put("checkpoint", checkpoint).put("replayed", replayed).put("ms", ms).put("node", node.value()).put("at", at);
      if (diverged) o.put("diverged", true);
      return o;
    }

    static ActorOutputRebuilt fromJson(JsonObject o) {
      return new ActorOutputRebuilt(ActorId.parse(o.getString("actor")), ObjectId.parse(o.getString("object")),
          o.getLong("call"), o.getLong("checkpoint"), o.getLong("replayed"), o.getLong("ms"),
          new NodeId(o.getString("node")), o.getLong("at"), o.getBoolean("diverged", false));
    }
  }

  /** Replaying {@code actor} gave outcomes unlike the log for {@code calls}; {@code object} (may be null) was being rebuilt. */
  record ActorReplayDiverged(ActorId actor, List<Long> calls, ObjectId object, long at) implements LedgerEntry {
    static final String KIND = "actor-replay-diverged";

    public ActorReplayDiverged {
      calls = List.copyOf(calls);
    }

    public String kind() {
      return KIND;
    }

    public JsonObject toJson() {
      JsonObject o = start(KIND).put("actor", actor.toString()).put("calls", new JsonArray(new ArrayList<>(calls)));
      if (object != null) o.put("object", object.toString());
      return o.put("at", at);
    }

    static ActorReplayDiverged fromJson(JsonObject o) {
      String object = o.getString("object");
      return new ActorReplayDiverged(ActorId.parse(o.getString("actor")), longs(o.getJsonArray("calls")),
          object == null ? null : ObjectId.parse(object), o.getLong("at"));
    }
  }

  /** Redis key {@code key} (the row of one entity) cannot be read as its schema says; {@code seenBy} found it. */
  record RowCorrupt(String key, String why, String seenBy, long at) implements LedgerEntry {
    static final String KIND = "row-corrupt";

    public String kind() {
      return KIND;
    }

    public JsonObject toJson() {
      return start(KIND).put("key", key).put("why", why).put("seenBy", seenBy).put("at", at);
    }

    static RowCorrupt fromJson(JsonObject o) {
      return new RowCorrupt(o.getString("key"), o.getString("why"), o.getString("seenBy"), o.getLong("at"));
    }
  }
}
