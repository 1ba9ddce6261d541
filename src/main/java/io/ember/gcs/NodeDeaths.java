package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The scripts that react to a node's death or departure, each one atomic step, each
 * idempotent; the leader's are refused with NOT_LEADER unless the {@link MonitorLease} is still
 * the caller's:
 * <ul>
 *   <li><b>Declare dead</b> ({@code node-declare-dead.lua}): marks the node DEAD (which also
 *       fences its own writer), moves its queued and
 *       running tasks to LOST, recreates its actors elsewhere (RESTARTING, a new incarnation) or
 *       marks them DEAD once their restart budget is spent, and appends a
 *       {@link LedgerEntry.NodeDead}; then its object copies are dropped from their rows in
 *       short calls of {@code node-drop-copies.lua}. Running it twice changes nothing the second time.</li>
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
  private static final Script DROP_COPIES = Script.load("node-drop-copies.lua");

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
    return store.runAcked(DECLARE_DEAD, keys(dead), MonitorLease.value(leader, term), dead.value(), now, reason, Keys.PREFIX,
        NodeState.DEAD.name()).map(res -> withArrays(new JsonObject(res.toString())))
        .recover(err -> Future.failedFuture(CorruptRows.unreadable(err)
            ? new CorruptRowException("declaring " + dead + " dead: " + corrupt.report(Keys.node(dead), err), err) : err))
        .compose(answer -> dropCopies(dead, 0).map(n -> answer.put("objectsDropped", n)));
  }

  /**
   * Drops every object copy listed on a DEAD or LEFT node, {@value #COPIES_PER_CALL} a script
   * call (each call is short: Redis serves every other client in between; one script for all of
   * a node's copies blocked Redis for seconds when it held 100,000s, lapsing the monitor's
   * lease); completes with how many were dropped. Idempotent: a declaration that finds copies
   * still listed (one that failed mid-way) drops them.
   */
  Future<Long> dropCopies(NodeId node, long droppedSoFar) {
    return store.run(DROP_COPIES, List.of(Keys.node(node), Keys.nodeObjects(node), Keys.COUNTS), node.value(), Keys.PREFIX,
        COPIES_PER_CALL).compose(res -> {
          long dropped = droppedSoFar + res.get(0).toLong();
          return res.get(1).toLong() > 0 ? dropCopies(node, dropped) : Future.succeededFuture(dropped);
        });
  }

  /** Copies dropped per call of {@code node-drop-copies.lua}: 2,000 took about 80 ms of Redis here. */
  static final int COPIES_PER_CALL = 2_000;

  /**
   * Node {@code node} leaves, at its own {@code epoch}: LEFT with {@code reason}, and the same
   * cleanup as {@link #declareDead} at once (answered the same way). Fails with FENCED if it is
   * no longer ALIVE at that epoch (declared dead first, or left already).
   */
  public Future<JsonObject> leave(NodeId node, long epoch, String reason, long now) {
    return store.runAcked(DECLARE_DEAD, keys(node), Long.toString(epoch), node.value(), now, reason, Keys.PREFIX, NodeState.LEFT.name())
        .compose(res -> {
          JsonObject answer = new JsonObject(res.toString());
          if (answer.getBoolean("notAlive", false)) {
            return Future.failedFuture(new EmberException(ErrorCode.FENCED, "node " + node + " epoch " + epoch + " is not ALIVE: it cannot leave"));
          }
          return Future.succeededFuture(withArrays(answer));
        }).compose(answer -> dropCopies(node, 0).map(n -> answer.put("objectsDropped", n)));
  }

  private static List<String> keys(NodeId node) {
    return List.of(Keys.LEADER, Keys.node(node), Keys.nodeTasks(node), Keys.nodeObjects(node), Keys.COUNTS, Keys.RECOVERIES,
        Keys.nodeActors(node));
  }

  /**
   * As leader {@code (leader, term)}: places the actors that no live node could host when their
   * node died. Returns {@code [[actorId, node, incarnation], ..]} for those now placed.
   */
  public Future<JsonArray> placeUnplacedActors(NodeId leader, long term, long now) {
    return store.runAcked(PLACE_UNPLACED, List.of(Keys.LEADER, Keys.COUNTS), MonitorLease.value(leader, term), now, Keys.PREFIX)
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
