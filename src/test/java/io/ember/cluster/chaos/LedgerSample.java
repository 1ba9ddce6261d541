package io.ember.cluster.chaos;

import static io.ember.testing.LocalCluster.await;

import io.ember.ids.NodeId;
import io.ember.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Accumulates the recovery ledger's entries across samples: Redis keeps only the newest 1,000. */
final class LedgerSample {
  private final LocalCluster cluster;
  private final Map<String, Set<String>> byKind = new ConcurrentHashMap<>();

  LedgerSample(LocalCluster cluster) {
    this.cluster = cluster;
  }

  void sample() throws Exception {
    for (JsonObject e : await(cluster.gcs().ledger().recent(1000))) {
      byKind.computeIfAbsent(String.valueOf(e.getString("kind")), k -> ConcurrentHashMap.newKeySet()).add(e.encode());
    }
  }

  int count(String kind) {
    return byKind.getOrDefault(kind, Set.of()).size();
  }

  /** term -> leader node name, in term order. */
  Map<Long, String> leaders() throws Exception {
    Map<Long, String> out = new TreeMap<>();
    for (String s : byKind.getOrDefault("leader", Set.of())) {
      JsonObject o = new JsonObject(s);
      String id = o.getString("node");
      String name = cluster.nameOf(new NodeId(id));
      out.put(o.getLong("term"), name == null ? id : name);
    }
    return out;
  }
}
