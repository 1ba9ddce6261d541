package io.ember.gcs;

import io.ember.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The leader's two scripts that react to a node's death, each one atomic step, each
 * idempotent, each refused with NOT_LEADER unless the {@link MonitorLease} is still the
 * caller's:
 * <ul>
 *   <li><b>Declare dead</b> ({@code node-declare-dead.lua}): marks the node DEAD (which also
 *       fences its own writer), removes it from every object location set, moves its queued and
 *       running tasks to LOST, recreates its actors elsewhere (RESTARTING, a new incarnation) or
 *       marks them DEAD once their restart budget is spent, and appends a
 *       {@link LedgerEntry.NodeDead}. Running it twice changes nothing the second time.</li>
 *   <li><b>Place unplaced actors</b> ({@code actors-place-unplaced.lua}): the actors no live
 *       node could host when their node died, placed now if one can.</li>
 * </ul>
 * Both check every key they will touch before their first write: one that cannot be read makes
 * them write nothing and fail with {@link CorruptRowException} (the dead node's own row of
 * another type is the exception: it is replaced by a DEAD row).
 * Both write several tables at once (nodes, tasks, objects, actors, counters, ledger), so they
 * belong to none of them; both share the Lua placement rule ({@code place.lua}).
 */
public final class NodeDeaths {
  private static final Script DECLARE_DEAD = Script.load("node-declare-dead.lua");
  private static final Script PLACE_UNPLACED = Script.load("actors-place-unplaced.lua");

  private final Store store;
  private final CorruptRows corrupt;

  NodeDeaths(Store store, CorruptRows corrupt) {
    this.store = store;
    this.corrupt = corrupt;
  }

  /**
   * Declares {@code dead} dead as leader {@code (leader, term)}: fails with NOT_LEADER if the
   * lease is no longer ours. Returns {@code {alreadyDead, objectsDropped, lost:[taskIds],
   * actors:[[actorId, node, incarnation]..], actorsDead:[[actorId, why]..]}}.
   */
  public Future<JsonObject> declareDead(NodeId leader, long term, NodeId dead, String reason, long now) {
    List<String> keys = List.of(Keys.LEADER, Keys.node(dead), Keys.nodeTasks(dead), Keys.nodeObjects(dead), Keys.COUNTS,
        Keys.RECOVERIES, Keys.nodeActors(dead));
    return store.run(DECLARE_DEAD, keys, MonitorLease.value(leader, term), dead.value(), now, reason, Keys.PREFIX)
        .map(res -> withArrays(new JsonObject(res.toString())))
        .recover(err -> Future.failedFuture(CorruptRows.unreadable(err)
            ? new CorruptRowException("declaring " + dead + " dead: " + corrupt.report(Keys.node(dead), err), err) : err));
  }

  /**
   * As leader {@code (leader, term)}: places the actors that no live node could host when their
   * node died. Returns {@code [[actorId, node, incarnation], ..]} for those now placed.
   */
  public Future<JsonArray> placeUnplacedActors(NodeId leader, long term, long now) {
    return store.run(PLACE_UNPLACED, List.of(Keys.LEADER, Keys.COUNTS), MonitorLease.value(leader, term), now, Keys.PREFIX)
        .map(res -> new JsonObject(res.toString()).getValue("actors") instanceof JsonArray a ? a : new JsonArray());
  }

  /** cjson encodes an empty table as {}: the list fields are arrays whatever their size. */
  private static JsonObject withArrays(JsonObject o) {
    for (String k : new String[] {"lost", "actors", "actorsDead"}) {
      if (!(o.getValue(k) instanceof JsonArray)) o.put(k, new JsonArray());
    }
    return o;
  }
}
