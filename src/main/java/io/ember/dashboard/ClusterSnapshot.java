package io.ember.dashboard;

import io.ember.gcs.ActorTable;
import io.ember.gcs.Gcs;
import io.ember.monitor.StatusReport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The document the dashboard polls ({@code GET /api/cluster}): the {@link StatusReport} (nodes,
 * tasks by state, objects, actor counts, the recovery ledger) with each node's objects and bytes
 * lifted out of its load, the actors one by one (state, host, restarts, checkpoint age), Redis's
 * clock, and the jobs (none: Ember has no jobs yet). Read fresh from Redis on each call, never
 * cached; the page keeps the history (tasks over time) itself.
 *
 * <p>Shape: the status document plus {@code now} (ms, Redis's clock), {@code nodes[].objects},
 * {@code nodes[].objectBytes} (null unless ALIVE), {@code actorList:{total, shown:[{id, class,
 * node, state, restarts, incarnation, checkpointAgeMs, updatedAgeMs}]}} and {@code jobs:[]}.
 */
public final class ClusterSnapshot {
  /** Recovery entries of each ledger list the page shows. */
  public static final int RECOVERIES = 50;
  /** Actors listed one by one (the counts by state cover all of them). */
  public static final int ACTORS = 200;

  private ClusterSnapshot() {}

  /** Reads the document from {@code gcs}: the status, the actors, then Redis's clock (so no age is below 0). */
  public static Future<JsonObject> read(Gcs gcs) {
    Future<JsonObject> status = StatusReport.build(gcs, RECOVERIES);
    Future<ActorTable.Summaries> actors = gcs.actors().summaries(ACTORS);
    return Future.all(status, actors).compose(v -> gcs.redisTimeMillis())
        .map(now -> assemble(status.result(), actors.result(), now));
  }

  /** The document from its parts; {@code now} is Redis's clock read after them. */
  static JsonObject assemble(JsonObject status, ActorTable.Summaries actors, long now) {
    JsonObject out = status.copy().put("now", now);
    for (Object o : out.getJsonArray("nodes")) {
      JsonObject n = (JsonObject) o;
      JsonObject load = n.getValue("load") instanceof JsonObject l ? l : null;
      n.put("objects", load == null ? null : load.getLong("objects"));
      n.put("objectBytes", load == null ? null : load.getLong("memoryBytes"));
    }
    JsonArray shown = new JsonArray();
    for (ActorTable.Summary a : actors.shown()) {
      shown.add(new JsonObject().put("id", a.id().toString()).put("class", a.className()).put("node", a.node())
          .put("state", a.state()).put("restarts", a.restarts()).put("incarnation", a.incarnation())
          .put("checkpointAgeMs", a.checkpointAt() > 0 ? Math.max(0, now - a.checkpointAt()) : null)
          .put("updatedAgeMs", a.updatedAt() > 0 ? Math.max(0, now - a.updatedAt()) : null));
    }
    return out.put("actorList", new JsonObject().put("total", actors.total()).put("shown", shown)).put("jobs", new JsonArray());
  }
}
