package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.gcs.NodeRecord;
import io.ember.gcs.NodeState;
import io.ember.ids.ActorId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorDeath;
import io.ember.protocol.ActorPlacement;
import io.ember.protocol.Heartbeat;
import io.ember.protocol.NodeDeath;
import io.ember.testing.FakeClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The monitor's decisions, with a fake clock and no cluster: who is declared dead, when, and by whom. */
class MonitorTest {
  static final NodeId SELF = new NodeId("self");
  static final NodeId A1 = new NodeId("a1");
  static final long EPOCH = 5;
  // heartbeat every 100 ms, a node dead after 1.2 s of silence, a component after 12 s
  final Monitor.Timing timing = new Monitor.Timing(100, 1200, 12_000);
  final FakeClock clock = new FakeClock(1_000_000);
  final ClusterView view = new ClusterView();
  final List<String> added = new ArrayList<>();
  final List<NodeId> removed = new ArrayList<>();
  final List<String> fenced = new ArrayList<>();
  final Monitor monitor = new Monitor(SELF, EPOCH, view, timing, clock, new Monitor.Peers() {
    @Override
    public void add(NodeId node, String host, int port) {
      added.add(node + "@" + host + ":" + port);
    }

    @Override
    public void remove(NodeId node) {
      removed.add(node);
    }
  }, fenced::add);

  /** A node's three heartbeats: scheduler and object manager on the bus (which make it known), then UDP. */
  void hear(NodeId node, long epoch) {
    monitor.onHeartbeat(Heartbeat.scheduler(node, epoch, clock.millis(), "bus-" + node,
        new Heartbeat.Load(4, 0, 0, 0, Map.of("cpu", 4.0), 0)));
    monitor.onHeartbeat(Heartbeat.objects(node, epoch, clock.millis(), "bus-" + node,
        new Heartbeat.Store("127.0.0.1", 7000, 9000, 0, 0, 0)));
    monitor.onBeat(node, epoch);
  }

  /** Time passes with the monitor checking every 50 ms, as its timer does; returns what it declared. */
  List<Monitor.Declaration> pass(long ms) {
    List<Monitor.Declaration> out = new ArrayList<>();
    for (long t = 0; t < ms; t += Monitor.CHECK_MS) {
      clock.advance(Monitor.CHECK_MS);
      out.addAll(monitor.check());
    }
    return out;
  }

  void lead() {
    monitor.check(); // the detectors' first check
    assertTrue(monitor.shouldAskForLease());
    assertTrue(monitor.onLeaseGranted(1, clock.millis()));
  }

  /** Keeps the lease renewed while time passes (the lease timer's work). */
  List<Monitor.Declaration> passLeading(long ms) {
    List<Monitor.Declaration> out = new ArrayList<>();
    for (long t = 0; t < ms; t += 100) {
      out.addAll(pass(100));
      if (monitor.shouldAskForLease()) monitor.onLeaseGranted(1, clock.millis());
    }
    return out;
  }

  @Test
  void aSilentNodeIsDeclaredOnceWhileItsDeclarationIsPending() {
    lead();
    hear(A1, 3);
    List<Monitor.Declaration> d = passLeading(1_300);
    assertEquals(1, d.size());
    assertEquals(A1, d.get(0).node());
    assertTrue(d.get(0).reason().startsWith("no heartbeat for "), d.get(0).reason());
    assertTrue(view.find(A1).suspected);
    assertTrue(passLeading(500).isEmpty(), "declared once while the declaration is pending");
    monitor.declared(A1, false);
    assertEquals(1, passLeading(100).size(), "still silent after the answer: declared again (idempotent in Redis)");
  }

  @Test
  void anAliveRowOfAnEarlierRunWithNoMemberAndNoHeartbeatIsSweptDead() {
    lead();
    long forty = 40 * 60_000;
    NodeRecord old = aliveRow("old", clock.millis() - forty, "bus-old");
    List<Monitor.Declaration> d = monitor.sweep(List.of(old), Set.of());
    assertEquals(1, d.size());
    assertEquals(new NodeId("old"), d.get(0).node());
    assertEquals("no heartbeat since " + Instant.ofEpochMilli(clock.millis() - forty) + " (earlier run)", d.get(0).reason());
    assertTrue(monitor.sweep(List.of(old), Set.of()).isEmpty(), "declared once while the declaration is pending");
  }

  @Test
  void theSweepSparesMembersNodesHeardLatelyFreshRowsAndItself() {
    lead();
    long stale = clock.millis() - timing.componentTimeoutMs() - 1_000;
    hear(A1, 3);
    List<NodeRecord> table = List.of(aliveRow("member", stale, "bus-member"), aliveRow(A1.value(), stale, "bus-gone"),
        aliveRow("fresh", clock.millis() - 100, "bus-fresh"), aliveRow(SELF.value(), stale, "bus-self"));
    assertEquals(List.of(), monitor.sweep(table, Set.of("bus-member")));
    clock.advance(timing.componentTimeoutMs() + 1); // a1 falls silent too, and "fresh" is old now: the sweep may take them
    assertEquals(List.of(A1, new NodeId("fresh")),
        monitor.sweep(table, Set.of("bus-member")).stream().map(Monitor.Declaration::node).toList());
  }

  @Test
  void aNodeThatJustRegisteredIsNotSweptBeforeItsFirstHeartbeatsArrive() {
    lead();
    // a replacement node: registered 2 timeouts ago, not yet a member this monitor knows, not heard yet
    NodeRecord starting = aliveRow("starting", clock.millis() - 2 * timing.timeoutMs(), "bus-starting");
    assertEquals(List.of(), monitor.sweep(List.of(starting), Set.of()));
  }

  @Test
  void aMonitorThatDoesNotActSweepsNothing() {
    assertEquals(List.of(), monitor.sweep(List.of(aliveRow("old", 0, "bus-old")), Set.of()));
  }

  /** An ALIVE row whose last heartbeat was written at {@code heartbeatAt}. */
  static NodeRecord aliveRow(String id, long heartbeatAt, String busAddress) {
    return new NodeRecord(new NodeId(id), 3, NodeState.ALIVE, Map.of("heartbeatAt", Long.toString(heartbeatAt),
        "startedAt", Long.toString(heartbeatAt), "busAddress", busAddress));
  }

  @Test
  void aDepartedMemberIsDeclaredAtOnce() {
    lead();
    hear(A1, 3);
    Monitor.Declaration d = monitor.onMemberLeft("bus-a1");
    assertEquals(new Monitor.Declaration(A1, Monitor.EXITED), d);
    assertTrue(view.find(A1).suspected);
    assertNull(monitor.onMemberLeft("bus-a1"), "already being declared");
    assertNull(monitor.onMemberLeft("bus-unknown"));
  }

  @Test
  void nothingIsDeclaredWhenThisMonitorDoesNotAct() {
    hear(new NodeId("old"), 1); // an older node, heard: it has precedence
    monitor.check();
    assertFalse(monitor.shouldAskForLease());
    hear(A1, 3);
    assertNull(monitor.onMemberLeft("bus-a1"));
    assertTrue(view.find(A1).suspected, "suspected all the same: placement avoids it");
    assertTrue(pass(2_000).isEmpty());
  }

  @Test
  void selfIsNeverDeclared() {
    lead();
    hear(SELF, EPOCH);
    assertNull(monitor.onMemberLeft("bus-self"));
    assertTrue(passLeading(2_000).isEmpty());
  }

  @Test
  void deadAndUnknownPeersAreForgottenNotDeclared() {
    lead();
    hear(A1, 3);
    view.markDead(A1);
    assertTrue(passLeading(1_300).isEmpty());
    assertFalse(monitor.watching(A1, Heartbeat.Component.NODE));
    // a node in the table, never heard and unknown to the view: watched with the start-up grace, then forgotten
    NodeId ghost = new NodeId("ghost");
    monitor.onTakeover(List.of(row(ghost, NodeState.ALIVE, null)));
    assertTrue(monitor.watching(ghost, Heartbeat.Component.NODE));
    assertTrue(passLeading(12_100).isEmpty());
    assertFalse(monitor.watching(ghost, Heartbeat.Component.NODE));
  }

  @Test
  void aLateRoundBlamesNobody() {
    lead();
    hear(A1, 3);
    passLeading(1_000);
    clock.advance(3_000); // the monitor itself was frozen for 3 s
    monitor.onLeaseGranted(1, clock.millis());
    assertTrue(monitor.check().isEmpty(), "the silence was ours");
    assertTrue(passLeading(100).isEmpty(), "and the frozen time is not counted against the peer afterwards");
  }

  @Test
  void theOldestLiveNodeAsksForTheLeaseAndASilentElderLosesPrecedence() {
    monitor.check();
    hear(new NodeId("young"), EPOCH + 1);
    assertTrue(monitor.shouldAskForLease(), "younger nodes do not count");
    hear(new NodeId("elder"), EPOCH - 1);
    assertFalse(monitor.shouldAskForLease());
    clock.advance(599);
    assertFalse(monitor.shouldAskForLease());
    clock.advance(1);
    assertTrue(monitor.shouldAskForLease(), "an elder silent for half a timeout loses precedence");
    hear(new NodeId("elder"), EPOCH - 1);
    view.find(new NodeId("elder")).suspected = true;
    assertTrue(monitor.shouldAskForLease(), "a suspected elder is not live");
  }

  @Test
  void anActingMonitorRenewsWhateverItsEpoch() {
    monitor.check();
    assertTrue(monitor.onLeaseGranted(4, clock.millis()));
    hear(new NodeId("elder"), EPOCH - 1);
    assertTrue(monitor.shouldAskForLease());
  }

  @Test
  void aRenewalIsNotATakeoverButANewTermIs() {
    monitor.check();
    assertTrue(monitor.onLeaseGranted(1, clock.millis()));
    assertFalse(monitor.onLeaseGranted(1, clock.millis() + 100));
    monitor.onLeaseRefused();
    assertFalse(monitor.lease().acting());
    assertTrue(monitor.onLeaseGranted(2, clock.millis() + 200));
    assertEquals(2, monitor.term());
  }

  @Test
  void aLeaderThatCannotRenewForAWholeTtlStopsActing() {
    lead();
    clock.advance(timing.leaseTtlMs());
    assertTrue(monitor.shouldAskForLease());
    assertTrue(monitor.lease().acting());
    clock.advance(1);
    assertTrue(monitor.shouldAskForLease(), "alone: it asks again");
    assertFalse(monitor.lease().acting(), "but stops acting until Redis answers");
    hear(A1, 3);
    assertNull(monitor.onMemberLeft("bus-a1"));
  }

  @Test
  void redisSayingNotLeaderStopsActing() {
    lead();
    hear(A1, 3);
    monitor.onMemberLeft("bus-a1");
    monitor.declared(A1, true);
    assertFalse(monitor.lease().acting());
  }

  @Test
  void aNewLeaderFinishesDeclaredDeathsAndGivesUnheardNodesAStartUpGrace() {
    monitor.check();
    NodeId dead = new NodeId("dead1");
    NodeId starting = new NodeId("starting");
    monitor.onLeaseGranted(1, clock.millis());
    List<Monitor.Declaration> d = monitor.onTakeover(List.of(row(SELF, NodeState.ALIVE, null),
        row(dead, NodeState.DEAD, "no node heartbeat for 1300 ms"), row(new NodeId("dead2"), NodeState.DEAD, null),
        row(starting, NodeState.ALIVE, null)));
    assertEquals(List.of(new Monitor.Declaration(dead, "no node heartbeat for 1300 ms"),
        new Monitor.Declaration(new NodeId("dead2"), "declared dead earlier")), d);
    assertFalse(monitor.watching(SELF, Heartbeat.Component.NODE));
    hear(starting, 3);
    monitor.onBeat(starting, 3); // heard: the normal timeout from now on
    assertEquals(List.of(starting), passLeading(1_300).stream().map(Monitor.Declaration::node).toList());
  }

  @Test
  void aNodeStillStartingIsNotDeclaredWithinItsGrace() {
    lead();
    NodeId starting = new NodeId("starting");
    monitor.onTakeover(List.of(row(starting, NodeState.ALIVE, null)));
    view.peer(starting); // known to the view (its first heartbeat is late)
    assertTrue(passLeading(11_000).isEmpty());
    assertEquals(List.of(starting), passLeading(1_200).stream().map(Monitor.Declaration::node).toList());
  }

  @Test
  void aVerdictMarksTheNodeDeadStopsWatchingItAndFencesOnlyItsSubject() {
    lead();
    hear(A1, 3);
    assertEquals(List.of("a1@127.0.0.1:9000"), added.stream().distinct().toList());
    monitor.onVerdict(verdict(A1));
    assertTrue(view.isDead(A1));
    assertEquals(List.of(A1), removed);
    assertFalse(monitor.watching(A1, Heartbeat.Component.NODE));
    assertFalse(monitor.watching(A1, Heartbeat.Component.SCHEDULER));
    assertFalse(monitor.watching(A1, Heartbeat.Component.OBJECTS));
    assertTrue(fenced.isEmpty());
    assertTrue(passLeading(2_000).isEmpty());
    monitor.onVerdict(verdict(SELF));
    assertEquals(List.of("the acting monitor declared this node dead: hung"), fenced);
  }

  @Test
  void aDeadNodesHeartbeatsChangeNothing() {
    hear(A1, 3);
    monitor.onVerdict(verdict(A1));
    hear(A1, 3);
    assertFalse(monitor.watching(A1, Heartbeat.Component.NODE));
    assertFalse(monitor.watching(A1, Heartbeat.Component.SCHEDULER));
    assertTrue(view.alive().isEmpty());
  }

  @Test
  void onlyThisNodesOwnSchedulerHeartbeatIsWrittenToTheTable() {
    Heartbeat.Load load = new Heartbeat.Load(4, 1, 0, 0, Map.of(), 0);
    assertTrue(monitor.onHeartbeat(Heartbeat.scheduler(SELF, EPOCH, 0, null, load)));
    assertFalse(monitor.onHeartbeat(Heartbeat.scheduler(A1, 3, 0, null, load)));
    assertFalse(monitor.onHeartbeat(Heartbeat.objects(SELF, EPOCH, 0, null, new Heartbeat.Store("h", 1, 2, 0, 0, 0))));
  }

  @Test
  void unplacedActorsAreRetriedAboutOnceASecondWhileActing() {
    assertFalse(monitor.unplacedActorsDue());
    lead();
    assertTrue(monitor.unplacedActorsDue());
    clock.advance(999);
    assertFalse(monitor.unplacedActorsDue());
    clock.advance(1);
    assertTrue(monitor.unplacedActorsDue());
  }

  @Test
  void theVerdictIsReadFromTheScriptsAnswerSkippingWhatDoesNotParse() {
    TaskId t = TaskId.child(TaskId.driverOf(JobId.named("j")), 1);
    ActorId actor = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("j")), 2));
    JsonObject answer = new JsonObject().put("lost", new JsonArray().add(t.toString()).add("not-an-id"))
        .put("actors", new JsonArray().add(new JsonArray().add(actor.toString()).add("b2").add(3)).add("junk")
            .add(new JsonArray().add("x")))
        .put("actorsDead", new JsonArray().add(new JsonArray().add(actor.toString()).add("budget spent")));
    NodeDeath v = Monitor.verdict(A1, "hung", 42, SELF, answer);
    assertEquals(new NodeDeath(A1, "hung", 42, SELF, List.of(t), List.of(new ActorPlacement(actor, new NodeId("b2"), 3)),
        List.of(new ActorDeath(actor, "budget spent"))), v);
    assertEquals(List.of(), Monitor.verdict(A1, "hung", 42, SELF, new JsonObject()).lost());
    assertNull(Monitor.verdict(A1, "hung", 42, SELF, new JsonObject().put("unknown", true)));
  }

  static NodeDeath verdict(NodeId node) {
    return new NodeDeath(node, "hung", 1, SELF, List.of(), List.of(), List.of());
  }

  static NodeRecord row(NodeId id, NodeState state, String deadReason) {
    return deadReason == null ? new NodeRecord(id, 3, state, Map.of())
        : new NodeRecord(id, 3, state, Map.of("deadReason", deadReason));
  }
}
