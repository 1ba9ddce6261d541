package io.ember.client;

import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.owner.ActorCalls;
import io.ember.owner.ActorCalls.Gone;
import io.ember.owner.ActorCalls.Placement;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decodes the monitor's verdict messages (JSON today) into plain values and hands each verdict
 * once to the owner side and once to the actor route. The only place the client reads verdict
 * JSON: a typed verdict record replaces it here.
 */
final class Verdicts {
  private Verdicts() {}

  /** A node-dead verdict: {@code {node, reason, lost: [taskId], actors: [[actor, node, inc]], actorsDead: [[actor, why]]}}. */
  static void nodeDead(JsonObject verdict, EmberClient owner, ActorCalls actors) {
    NodeId dead;
    try {
      dead = new NodeId(verdict.getString("node"));
    } catch (RuntimeException e) {
      return;
    }
    Set<TaskId> lost = new HashSet<>();
    for (Object t : verdict.getJsonArray("lost", new JsonArray())) {
      try {
        lost.add(TaskId.parse(String.valueOf(t)));
      } catch (RuntimeException malformed) {
        // not a task id: nothing of ours
      }
    }
    owner.onNodeDead(dead, verdict.getString("reason"), lost);
    actors.onNodeDead(dead, placements(verdict.getJsonArray("actors")), gone(verdict.getJsonArray("actorsDead")));
  }

  /** {@code [[actor, node, incarnation], ..]}; malformed entries are skipped (the table lookup finds those actors). */
  static List<Placement> placements(JsonArray placed) {
    List<Placement> out = new ArrayList<>();
    if (placed == null) return out;
    for (Object o : placed) {
      if (!(o instanceof JsonArray a) || a.size() < 3) continue;
      try {
        out.add(new Placement(TaskId.parse(a.getString(0)), new NodeId(a.getString(1)), a.getLong(2)));
      } catch (RuntimeException malformed) {
        // skipped
      }
    }
    return out;
  }

  private static List<Gone> gone(JsonArray dead) {
    List<Gone> out = new ArrayList<>();
    if (dead == null) return out;
    for (Object o : dead) {
      if (o instanceof JsonArray a && a.size() >= 2) out.add(new Gone(TaskId.parse(a.getString(0)), a.getString(1)));
    }
    return out;
  }
}
