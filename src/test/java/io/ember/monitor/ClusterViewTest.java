package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.gcs.NodeRecord;
import io.ember.gcs.NodeState;
import io.ember.ids.NodeId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node table fills in a peer whose event-bus heartbeats did not arrive, and never revives a stale or dead one. */
class ClusterViewTest {
  static NodeRecord row(String id, String state, long heartbeatAt) {
    return new NodeRecord(new NodeId(id), 3, NodeState.valueOf(state), Map.of("heartbeatAt", Long.toString(heartbeatAt), "host", "127.0.0.1",
        "name", "n1", "resources", "{\"cpu\":2}", "load", "{\"slots\":2,\"busy\":1,\"queued\":0}"));
  }

  @Test
  void aFreshRowMakesAPeerPlaceable() {
    ClusterView v = new ClusterView();
    v.fromTable(row("a1", "ALIVE", 10_000), 10_500, 1200);
    assertEquals(1, v.alive().size());
    ClusterView.Peer p = v.alive().get(0);
    assertEquals(1, p.estimatedFree());
    assertTrue(p.feasible(Map.of("node:n1", 1.0, "node:a1", 1.0, "cpu", 2.0)));
  }

  @Test
  void aStaleDeadOrDeclaredDeadRowChangesNothing() {
    ClusterView v = new ClusterView();
    v.fromTable(row("a1", "ALIVE", 10_000), 20_000, 1200);
    v.fromTable(row("a2", "DEAD", 20_000), 20_000, 1200);
    v.markDead(new NodeId("a3"));
    v.fromTable(row("a3", "ALIVE", 20_000), 20_000, 1200);
    assertTrue(v.alive().isEmpty());
  }
}
