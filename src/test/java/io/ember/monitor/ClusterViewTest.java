package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.gcs.NodeRecord;
import io.ember.gcs.NodeState;
import io.ember.ids.NodeId;
import io.ember.placement.Candidate;
import io.ember.protocol.Heartbeat;
import java.util.List;
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

  @Test
  void heartbeatsFillInLoadAndEndpointAndAStaleIncarnationChangesNothing() {
    ClusterView v = new ClusterView();
    NodeId a1 = new NodeId("a1");
    v.onHeartbeat(Heartbeat.scheduler(a1, 4, 0, "bus-1", new Heartbeat.Load(4, 1, 1, 0, Map.of("cpu", 4.0), 2)), 100);
    v.onHeartbeat(Heartbeat.objects(a1, 4, 0, null, new Heartbeat.Store("10.0.0.1", 7000, 9000, 0, 0, 0)), 100);
    v.peer(a1).forwarded.incrementAndGet();
    assertEquals(List.of(new Candidate(a1, 4, 1, 2, Map.of("cpu", 4.0), 2, true)), v.candidates());
    ClusterView.Peer p = v.find(a1);
    assertEquals("10.0.0.1", p.host);
    assertEquals(7000, p.transferPort);
    assertEquals(p, v.byBusNode("bus-1"));
    v.onHeartbeat(Heartbeat.scheduler(a1, 3, 0, null, new Heartbeat.Load(9, 9, 9, 9, Map.of(), 9)), 200);
    assertEquals(4, p.slots, "an older incarnation's heartbeat is ignored");
    v.markDead(a1);
    assertEquals(List.of(), v.alive());
    assertEquals(false, v.candidates().get(0).alive());
  }
}
