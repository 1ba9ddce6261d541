package io.ember.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each ledger record writes exactly the JSON text its kind had when callers built it by hand
 * (the expected objects below are those hand-built ones), and reads back to itself.
 */
class LedgerEntryTest {
  private static final NodeId NODE = new NodeId("n1");
  private static final TaskId TASK = TaskId.child(TaskId.driverOf(JobId.named("ledger")), 3);
  private static final ObjectId OBJECT = ObjectId.of(TASK, 1);
  private static final ActorId ACTOR = ActorId.of(TASK);

  @Test
  void leader() {
    LedgerEntry e = new LedgerEntry.Leader(NODE, 4, 1000);
    same(new JsonObject().put("kind", "leader").put("node", NODE.value()).put("term", 4L).put("at", 1000L), e);
  }

  @Test
  void taskResubmitted() {
    LedgerEntry e = new LedgerEntry.TaskResubmitted(TASK, "f", 2, new ClientId("client-1"), "lost", 1000);
    same(new JsonObject().put("kind", "task-resubmitted").put("task", TASK.toString())
        .put("function", "f").put("attempt", 2).put("by", "client-1").put("reason", "lost")
        .put("at", 1000L), e);
  }

  @Test
  void actorRestoredWithAndWithoutDivergedCalls() {
    for (List<Long> diverged : List.of(List.<Long>of(), List.of(3L, 5L))) {
      JsonObject old = new JsonObject().put("kind", "actor-restored").put("actor", TASK.toString())
          .put("class", "C").put("node", NODE.value()).put("incarnation", 2L)
          .put("checkpoint", -1L).put("replayed", 7).put("ms", 12L)
          .put("at", 1000L);
      if (!diverged.isEmpty()) old.put("diverged", new JsonArray(new ArrayList<>(diverged)));
      same(old, new LedgerEntry.ActorRestored(ACTOR, "C", NODE, 2, -1, 7, 12, 1000, diverged));
    }
  }

  @Test
  void actorOutputRebuiltWithAndWithoutDivergence() {
    for (boolean diverged : new boolean[] {false, true}) {
      JsonObject old = new JsonObject().put("kind", "actor-output-rebuilt").put("actor", TASK.toString())
          .put("object", OBJECT.toString()).put("call", 4L).put("checkpoint", 2L)
          .put("replayed", 3).put("ms", 9L)
          .put("node", NODE.value()).put("at", 1000L);
      if (diverged) old.put("diverged", true);
      same(old, new LedgerEntry.ActorOutputRebuilt(ACTOR, OBJECT, 4, 2, 3, 9, NODE, 1000, diverged));
    }
  }

  @Test
  void actorReplayDivergedOnRestoreAndOnRebuild() {
    same(new JsonObject().put("kind", "actor-replay-diverged").put("actor", TASK.toString())
        .put("calls", new JsonArray(new ArrayList<>(List.of(3L, 5L)))).put("at", 1000L),
        new LedgerEntry.ActorReplayDiverged(ACTOR, List.of(3L, 5L), null, 1000));
    same(new JsonObject().put("kind", "actor-replay-diverged").put("actor", TASK.toString())
        .put("calls", new JsonArray().add(4L)).put("object", OBJECT.toString()).put("at", 1000L),
        new LedgerEntry.ActorReplayDiverged(ACTOR, List.of(4L), OBJECT, 1000));
  }

  @Test
  void nodeDeadAsTheScriptWritesItReadsBack() {
    // cjson's order, as node-declare-dead.lua encodes it
    JsonObject lua = new JsonObject("{\"actorsMoved\":1,\"kind\":\"node-dead\",\"by\":\"n2|3\",\"tasksLost\":2,"
        + "\"node\":\"n1\",\"objectsDropped\":5,\"actorsDead\":0,\"reason\":\"missed heartbeats\",\"at\":1000,"
        + "\"actorsUnplaced\":0}");
    LedgerEntry e = LedgerEntry.fromJson(lua);
    assertEquals(new LedgerEntry.NodeDead(NODE, "missed heartbeats", 1000, 5, 2, 1, 0, 0, "n2|3"), e);
    assertEquals(lua, e.toJson());
  }

  @Test
  void aLineOfNoKnownKindReadsAsNull() {
    assertNull(LedgerEntry.fromJson(new JsonObject().put("i", 1)));
    assertNull(LedgerEntry.fromJson(new JsonObject().put("kind", "something-else")));
  }

  private static void same(JsonObject old, LedgerEntry e) {
    assertEquals(old.encode(), e.toJson().encode());
    assertEquals(e, LedgerEntry.fromJson(new JsonObject(e.toJson().encode())));
  }
}
