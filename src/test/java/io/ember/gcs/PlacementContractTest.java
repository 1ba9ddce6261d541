package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.placement.Candidate;
import io.ember.placement.Placement;
import io.ember.protocol.ActorCreateSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The declare-dead script places a dead node's actors in Lua ({@code place.lua}); creation
 * places them in Java ({@link Placement#forActor}). One rule, two languages: over random
 * clusters (resources, names, actor counts, demands) the script must choose a node that Java
 * would choose — feasible, hosting the fewest actors — and leave the actor unplaced exactly when
 * Java finds no node. Ties may break differently (Redis set order against the view's order);
 * the test accepts any node tied with Java's choice, and nothing else.
 */
class PlacementContractTest extends RealRedis {
  private static final JobId JOB = JobId.named("placement-contract");

  @Test
  void theDeclareDeadScriptPlacesActorsByTheJavaRule() throws Exception {
    Random random = new Random(42);
    int actorSeq = 0;
    for (int scenario = 0; scenario < 60; scenario++) {
      flush();
      int live = 1 + random.nextInt(4);
      List<Candidate> candidates = new ArrayList<>();
      Map<NodeId, Integer> counts = new HashMap<>();
      NodeId leader = null;
      for (int i = 0; i < live; i++) {
        NodeId id = new NodeId("n" + i);
        int gpus = random.nextInt(3);
        String name = random.nextBoolean() ? "w" + i : "";
        long epoch = await(gcs.nodes().register(id, Map.of("host", "h", "resources", new JsonObject().put("gpu", gpus).encode(),
            "name", name)));
        if (leader == null) leader = id;
        int hosted = random.nextInt(4);
        TableWriter w = gcs.writer(id, epoch);
        for (int k = 0; k < hosted; k++) await(w.actorCreated(spec(actorSeq++, Map.of()), "{}", ActorState.ALIVE, null));
        Map<String, Double> resources = new LinkedHashMap<>(Map.of("gpu", (double) gpus, "node:" + id, 1.0));
        if (!name.isEmpty()) resources.put("node:" + name, 1.0);
        candidates.add(new Candidate(id, 0, 0, 0, resources, hosted, true));
        counts.put(id, hosted);
      }
      NodeId dead = new NodeId("dead");
      TableWriter wd = gcs.writer(dead, await(gcs.nodes().register(dead, Map.of("host", "h"))));
      Map<String, Double> demand = demand(random);
      ActorCreateSpec actor = spec(actorSeq++, demand);
      await(wd.actorCreated(actor, new JsonObject(new HashMap<>(demand)).encode(), ActorState.ALIVE, null));
      long term = await(gcs.lease().acquire(leader, 1, 10_000));

      JsonObject verdict = await(gcs.deaths().declareDead(leader, term, dead, "contract", 1));
      NodeId lua = placedBy(verdict, actor.actor());
      NodeId java = Placement.forActor(candidates, demand, null, null);
      String where = "scenario " + scenario + ": demand " + demand + ", candidates " + candidates;
      if (java == null) {
        assertNull(lua, "Java finds no node, so the script must leave the actor unplaced; " + where);
        continue;
      }
      assertNotNull(lua, "Java places on " + java + ", the script left it unplaced; " + where);
      Candidate chosen = candidates.stream().filter(c -> c.id().equals(lua)).findFirst().orElseThrow();
      assertEquals(true, chosen.feasible(demand), "the script chose an infeasible node; " + where);
      assertEquals(counts.get(java), counts.get(lua), "the script chose " + lua + ", not one of the fewest-actors nodes; " + where);
    }
  }

  private static Map<String, Double> demand(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> Map.of();
      case 1 -> Map.of("gpu", 1.0);
      case 2 -> Map.of("gpu", 2.0);
      case 3 -> Map.of("node:w" + random.nextInt(4), 1.0);
      default -> Map.of("gpu", 1.0, "node:n" + random.nextInt(4), 1.0);
    };
  }

  private static ActorCreateSpec spec(int seq, Map<String, Double> resources) {
    ActorId id = ActorId.of(TaskId.child(TaskId.driverOf(JOB), seq));
    return new ActorCreateSpec(id, "x.Counter", List.of(), resources, -1, 0, 0, new ClientId("owner"));
  }

  private static NodeId placedBy(JsonObject verdict, ActorId actor) {
    for (Object o : verdict.getJsonArray("actors", new JsonArray())) {
      JsonArray a = (JsonArray) o;
      if (a.getString(0).equals(actor.toString())) return new NodeId(a.getString(1));
    }
    return null;
  }
}
