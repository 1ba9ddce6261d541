package io.ember.monitor;

import io.ember.gcs.ActorState;
import io.ember.gcs.Gcs;
import io.ember.gcs.NodeRecord;
import io.ember.gcs.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster status document, built from the GCS (so the CLI can print it without joining the
 * cluster): nodes with state and heartbeat age, tasks by state, objects, actors, recent
 * recoveries. Shape (documented in the README): {@code {nodes:[{id,state,epoch,host,
 * heartbeatAgeMs,resources,load}], tasks:{STATE:n}, objects:{count,bytes}, actors:{count},
 * recoveries:[...], recoveriesShown, recoveriesTotal}}.
 *
 * <p>Heartbeat ages are measured on one clock, Redis's, read after the node rows: never the
 * reader's clock sampled before the read, which made a heartbeat landing meanwhile look younger
 * than zero. A node only has a load while it is {@code ALIVE}.
 */
public final class StatusReport {
  /** The newest entries of each ledger list shown when the asker names no number. */
  public static final int DEFAULT_RECOVERIES = 50;

  private StatusReport() {}

  /** The document, with the newest {@code recoveries} entries of each ledger list (node-level, task resubmissions). */
  public static Future<JsonObject> build(Gcs gcs, int recoveries) {
    Future<List<NodeRecord>> nodes = gcs.nodes().all();
    Future<Long> now = nodes.compose(rows -> gcs.redisTimeMillis()); // after the rows: none is newer than it
    List<String> unreadable = new ArrayList<>();
    // counters that cannot be read are reported as such, not a failure of the whole status
    Future<Map<String, Long>> counts = gcs.counts().recover(err -> {
      if (err instanceof EmberException e && e.code() == ErrorCode.UNAVAILABLE) return Future.failedFuture(err);
      unreadable.add(err.getMessage());
      return Future.succeededFuture(Map.of());
    });
    Future<List<JsonObject>> ledger = gcs.ledger().recent(recoveries);
    Future<Long> ledgerSize = gcs.ledger().size();
    return Future.all(now, counts, ledger, ledgerSize).map(v -> {
      JsonArray ns = new JsonArray();
      for (NodeRecord n : nodes.result()) ns.add(node(n, now.result()));
      Map<String, Long> c = counts.result();
      JsonObject tasks = new JsonObject();
      for (TaskState s : TaskState.values()) tasks.put(s.name(), c.getOrDefault("task." + s.name(), 0L));
      JsonObject out = new JsonObject().put("nodes", ns).put("tasks", tasks)
          .put("objects", new JsonObject().put("count", c.getOrDefault("objects", 0L)).put("bytes", c.getOrDefault("objectBytes", 0L)))
          .put("actors", actors(c))
          .put("recoveries", new JsonArray(ledger.result()))
          .put("recoveriesShown", ledger.result().size()).put("recoveriesTotal", ledgerSize.result());
      return unreadable.isEmpty() ? out : out.put("unreadable", new JsonArray(unreadable));
    });
  }

  private static JsonObject node(NodeRecord n, long now) {
    JsonObject o = new JsonObject().put("id", n.id().value()).put("state", n.state().name()).put("epoch", n.epoch());
    Map<String, String> f = n.fields();
    o.put("host", f.get("host"));
    String hb = f.get("heartbeatAt");
    // a node whose clock runs ahead of the Redis host's would otherwise show a negative age
    o.put("heartbeatAgeMs", hb == null ? null : Math.max(0, now - Long.parseLong(hb)));
    o.put("resources", json(f.get("resources")));
    o.put("load", n.alive() ? json(f.get("load")) : null); // a dead node's last load is not a load
    if (f.get("deadAt") != null) o.put("deadAt", Long.parseLong(f.get("deadAt"))).put("deadReason", f.get("deadReason"));
    return o;
  }

  private static JsonObject actors(Map<String, Long> c) {
    JsonObject a = new JsonObject();
    long total = 0;
    for (ActorState s : ActorState.values()) {
      long n = c.getOrDefault("actor." + s.name(), 0L);
      a.put(s.name(), n);
      total += n;
    }
    return a.put("count", total);
  }

  private static Object json(String text) {
    if (text == null) return null;
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return text;
    }
  }

  /** The human-readable form printed by {@code status}. */
  public static String render(JsonObject s) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-14s %-6s %-6s %-16s %10s  %s%n", "NODE", "STATE", "EPOCH", "HOST", "HEARTBEAT", "RESOURCES / LOAD"));
    for (Object o : s.getJsonArray("nodes")) {
      JsonObject n = (JsonObject) o;
      Long age = n.getLong("heartbeatAgeMs");
      sb.append(String.format("%-14s %-6s %-6d %-16s %10s  %s %s%n", n.getString("id"), n.getString("state"), n.getLong("epoch"),
          n.getString("host"), age == null ? "-" : age + " ms", n.getValue("resources"), n.getValue("load") == null ? "" : n.getValue("load")));
    }
    sb.append("tasks:   ");
    s.getJsonObject("tasks").forEach(e -> sb.append(e.getKey()).append('=').append(e.getValue()).append(' '));
    JsonObject obj = s.getJsonObject("objects");
    sb.append(String.format("%nobjects: %d (%d bytes)%nactors:  %d%n", obj.getLong("count"), obj.getLong("bytes"),
        s.getJsonObject("actors").getLong("count")));
    JsonArray rec = s.getJsonArray("recoveries");
    String shown = shownOf(s);
    sb.append("recent recoveries: ").append(!rec.isEmpty() ? shown : shown.isEmpty() ? "none" : "none (" + shown + ")").append('\n');
    for (Object r : rec) sb.append("  ").append(r).append('\n');
    return sb.toString();
  }

  private static String shownOf(JsonObject s) {
    Long shown = s.getLong("recoveriesShown");
    Long total = s.getLong("recoveriesTotal");
    if (shown == null || total == null || shown.equals(total)) return "";
    return "the newest " + shown + " of " + total + " (--recoveries N: the newest N node-level entries and N task resubmissions)";
  }
}
