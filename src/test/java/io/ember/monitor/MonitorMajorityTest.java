package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.NodeId;
import io.ember.protocol.Heartbeat;
import io.ember.testing.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Monitor rule (7), the minority side of a partition: with {@link Monitor#requireMajority} a
 * monitor acts only while it hears a strict majority of the nodes it does not know dead.
 */
class MonitorMajorityTest {
  static final NodeId SELF = new NodeId("self");
  static final NodeId A1 = new NodeId("a1");
  static final NodeId A2 = new NodeId("a2");
  final Monitor.Timing timing = new Monitor.Timing(100, 1200, 12_000);
  final FakeClock clock = new FakeClock(1_000_000);
  final ClusterView view = new ClusterView();
  final List<String> fenced = new ArrayList<>();

  Monitor monitor(boolean majority) {
    return new Monitor(SELF, 1, view, timing, clock, new Monitor.Peers() {
      @Override
      public void add(NodeId node, String host, int port) {}

      @Override
      public void remove(NodeId node) {}
    }, fenced::add).requireMajority(majority);
  }

  static void hear(Monitor m, FakeClock clock, NodeId node, long epoch) {
    m.onHeartbeat(Heartbeat.scheduler(node, epoch, clock.millis(), "bus-" + node, new Heartbeat.Load(4, 0, 0, 0, Map.of("cpu", 4.0), 0)));
    m.onHeartbeat(Heartbeat.objects(node, epoch, clock.millis(), "bus-" + node, new Heartbeat.Store("127.0.0.1", 7000, 9000, 0, 0, 0)));
    m.onBeat(node, epoch);
  }

  /** The acting monitor with two peers; then {@code ms} pass in which only {@code stillHeard} keep beating. */
  List<Monitor.Declaration> cutOff(Monitor m, long ms, NodeId... stillHeard) {
    hear(m, clock, SELF, 1);
    hear(m, clock, A1, 2);
    hear(m, clock, A2, 3);
    m.check();
    assertTrue(m.shouldAskForLease());
    m.onLeaseGranted(1, clock.millis());
    List<Monitor.Declaration> out = new ArrayList<>();
    for (long t = 0; t < ms; t += Monitor.CHECK_MS) {
      clock.advance(Monitor.CHECK_MS);
      hear(m, clock, SELF, 1);
      for (NodeId n : stillHeard) hear(m, clock, n, n.equals(A1) ? 2 : 3);
      out.addAll(m.check());
      if (t % 100 == 0 && m.shouldAskForLease()) m.onLeaseGranted(1, clock.millis());
    }
    return out;
  }

  @Test
  void aMonitorCutOffFromBothPeersDeclaresNobodyAndStopsAskingForTheLease() {
    Monitor m = monitor(true);
    assertEquals(List.of(), cutOff(m, 3_000));
    assertFalse(m.shouldAskForLease(), "one of three heard: no majority, no lease");
    assertFalse(m.lease().acting(), "its lease lapsed: it stops acting");
  }

  @Test
  void aMonitorThatStillHearsOnePeerDeclaresTheSilentOne() {
    Monitor m = monitor(true);
    List<Monitor.Declaration> d = cutOff(m, 1_500, A1);
    assertEquals(1, d.size(), "two of three heard: a majority; " + d);
    assertEquals(A2, d.get(0).node());
    assertTrue(m.shouldAskForLease());
  }

  @Test
  void aMonitorThatHearsItsPeersAgainMayActAgain() {
    Monitor m = monitor(true);
    cutOff(m, 3_000);
    assertFalse(m.quorate());
    hear(m, clock, A1, 2);
    assertTrue(m.quorate(), "two of three heard again");
    assertTrue(m.shouldAskForLease());
  }

  @Test
  void aNodeNeverHeardYetDoesNotTakeTheMajorityAway() {
    Monitor m = monitor(true);
    hear(m, clock, SELF, 1);
    view.peer(A1).epoch = 2; // known from the table, no UDP heartbeat yet: it is starting
    assertTrue(m.quorate());
    assertTrue(m.shouldAskForLease());
  }

  @Test
  void withoutTheRuleALoneMonitorDeclaresBothPeers() {
    assertEquals(2, cutOff(monitor(false), 1_500).size());
  }
}
