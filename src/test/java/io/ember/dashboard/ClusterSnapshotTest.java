package io.ember.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.gcs.ActorTable;
import io.ember.ids.ActorId;
import io.ember.ids.TaskId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard's document from a status document and actor rows: what it adds, and that it never invents a value. */
class ClusterSnapshotTest {
  private static final long NOW = 1_000_000;

  private static JsonObject status() {
    JsonObject alive = new JsonObject().put("id", "a").put("state", "ALIVE").put("epoch", 3)
        .put("load", new JsonObject().put("slots", 2).put("busy", 1).put("queued", 0).put("objects", 7).put("memoryBytes", 4096));
    JsonObject dead = new JsonObject().put("id", "b").put("state", "DEAD").put("epoch", 2).putNull("load")
        .put("deadReason", "process exited (left the Hazelcast cluster)");
    return new JsonObject().put("nodes", new JsonArray().add(alive).add(dead)).put("tasks", new JsonObject().put("FINISHED", 5))
        .put("objects", new JsonObject().put("count", 7).put("bytes", 4096)).put("actors", new JsonObject().put("count", 2))
        .put("recoveries", new JsonArray()).put("recoveriesShown", 0).put("recoveriesTotal", 0);
  }

  private static ActorId actor(long n) {
    return ActorId.of(new TaskId(1, n));
  }

  @Test
  void eachNodeShowsTheObjectsAndBytesOfItsLoadAndADeadNodeNone() {
    JsonObject doc = ClusterSnapshot.assemble(status(), new ActorTable.Summaries(0, List.of()), NOW);
    JsonObject alive = doc.getJsonArray("nodes").getJsonObject(0);
    JsonObject dead = doc.getJsonArray("nodes").getJsonObject(1);
    assertEquals(7L, alive.getLong("objects"));
    assertEquals(4096L, alive.getLong("objectBytes"));
    assertTrue(dead.containsKey("objects"));
    assertNull(dead.getValue("objects"));
    assertNull(dead.getValue("objectBytes"));
    assertEquals(NOW, doc.getLong("now"));
    assertEquals(new JsonArray(), doc.getJsonArray("jobs"));
    assertEquals("process exited (left the Hazelcast cluster)", dead.getString("deadReason")); // the status's fields stay
  }

  @Test
  void checkpointAgeIsMeasuredOnTheGivenClockAndNoneWithoutACheckpoint() {
    var withCheckpoint = new ActorTable.Summary(actor(1), "io.ember.examples.Counter", "a", "ALIVE", 1, 2, NOW - 2_500, NOW - 100);
    var never = new ActorTable.Summary(actor(2), "io.ember.examples.Counter", "", "RESTARTING", 0, 1, 0, NOW - 50);
    var ahead = new ActorTable.Summary(actor(3), "io.ember.examples.Counter", "a", "ALIVE", 0, 1, NOW + 40, NOW + 40);
    JsonObject list = ClusterSnapshot.assemble(status(), new ActorTable.Summaries(250, List.of(withCheckpoint, never, ahead)), NOW)
        .getJsonObject("actorList");
    assertEquals(250L, list.getLong("total"));
    JsonObject first = list.getJsonArray("shown").getJsonObject(0);
    assertEquals(actor(1).toString(), first.getString("id"));
    assertEquals("ALIVE", first.getString("state"));
    assertEquals(1, first.getInteger("restarts"));
    assertEquals(2L, first.getLong("incarnation"));
    assertEquals(2_500L, first.getLong("checkpointAgeMs"));
    assertEquals(100L, first.getLong("updatedAgeMs"));
    JsonObject second = list.getJsonArray("shown").getJsonObject(1);
    assertNull(second.getValue("checkpointAgeMs"));
    assertEquals("", second.getString("node"));
    assertEquals(0L, list.getJsonArray("shown").getJsonObject(2).getLong("checkpointAgeMs")); // a writer's clock ahead: never below 0
  }

  @Test
  void theStatusDocumentGivenIsLeftAsItWas() {
    JsonObject s = status();
    JsonObject before = s.copy();
    ClusterSnapshot.assemble(s, new ActorTable.Summaries(0, List.of()), NOW);
    assertEquals(before, s);
  }
}
