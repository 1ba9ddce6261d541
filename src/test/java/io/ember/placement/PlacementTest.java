package io.ember.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ember.ids.NodeId;
import io.ember.placement.Placement.Kind;
import io.ember.placement.Placement.TaskChoice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementTest {
  static final NodeId HERE = new NodeId("here");
  static final Map<String, Double> CPU = Map.of("cpu", 1.0);
  static final Map<String, Double> GPU = Map.of("gpu", 1.0);

  /** A node with {@code slots} slots of which {@code used} are taken, {@code actors} actors, cpu 4 (and gpu if asked). */
  static Candidate node(String id, int slots, int used, int actors, boolean gpu) {
    Map<String, Double> res = gpu ? Map.of("cpu", 4.0, "gpu", 1.0, "node:" + id, 1.0) : Map.of("cpu", 4.0, "node:" + id, 1.0);
    return new Candidate(new NodeId(id), slots, used, 0, res, actors, true);
  }

  static Candidate dead(Candidate c) {
    return new Candidate(c.id(), c.slots(), c.busy(), c.queued(), c.resources(), c.actors(), false);
  }

  static Candidate queued(Candidate c, int queued) {
    return new Candidate(c.id(), c.slots(), c.busy(), queued, c.resources(), c.actors(), c.alive());
  }

  static TaskChoice forTask(Candidate local, List<Candidate> peers, Map<String, Double> demand) {
    return Placement.forTask(local, () -> peers, demand);
  }

  // ---- tasks ------------------------------------------------------------------------------

  @Test
  void aTaskStaysHereWhileAFreeSlotIsLeftAndNeverLooksAtThePeers() {
    TaskChoice c = Placement.forTask(node("here", 2, 1, 0, false), () -> {
      throw new AssertionError("the peers' snapshot is built only to spill");
    }, CPU);
    assertEquals(TaskChoice.HERE, c);
  }

  @Test
  void aBusyNodeSpillsToTheFeasiblePeerWithTheMostFreeSlotsTheFirstOnATie() {
    Candidate local = node("here", 2, 2, 0, false);
    List<Candidate> peers = List.of(node("here", 2, 0, 0, false), node("p1", 4, 3, 0, false), node("p2", 4, 1, 0, false),
        node("p3", 4, 1, 0, false));
    assertEquals(new TaskChoice(Kind.FORWARD, new NodeId("p2")), forTask(local, peers, CPU),
        "this node's own entry in the view is skipped; p2 and p3 tie with 3 free, p2 comes first");
  }

  @Test
  void deadPeersAndPeersWithoutTheResourcesAreSkipped() {
    Candidate local = node("here", 1, 1, 0, false);
    List<Candidate> peers = List.of(dead(node("d1", 8, 0, 0, true)), node("p1", 8, 0, 0, false), node("p2", 2, 1, 0, true));
    assertEquals(new TaskChoice(Kind.FORWARD, new NodeId("p2")), forTask(local, peers, GPU));
    assertEquals(new TaskChoice(Kind.FORWARD, new NodeId("p1")), forTask(local, peers, CPU));
  }

  @Test
  void whenEverySlotIsTakenAFeasibleTaskWaitsHere() {
    Candidate local = node("here", 2, 2, 0, false);
    List<Candidate> peers = List.of(node("p1", 2, 2, 0, false), queued(node("p2", 2, 0, 0, false), 2));
    assertEquals(TaskChoice.BACKLOG, forTask(local, peers, CPU));
  }

  @Test
  void aTaskThatCannotRunHereQueuesOnTheLeastQueuedFeasiblePeerWhenNoneIsFree() {
    Candidate local = node("here", 2, 0, 0, false);
    List<Candidate> peers = List.of(queued(node("p1", 1, 1, 0, true), 5), queued(node("p2", 1, 1, 0, true), 2),
        queued(node("p3", 1, 1, 0, true), 2), queued(node("p4", 1, 1, 0, false), 0));
    assertEquals(new TaskChoice(Kind.FORWARD, new NodeId("p2")), forTask(local, peers, GPU), "p2 and p3 tie: the first");
  }

  @Test
  void aTaskNoLiveNodeCanRunIsInfeasible() {
    Candidate local = node("here", 2, 0, 0, false);
    List<Candidate> peers = List.of(dead(node("d1", 2, 0, 0, true)), node("p1", 2, 0, 0, false));
    assertEquals(TaskChoice.INFEASIBLE, forTask(local, peers, GPU));
    assertEquals(TaskChoice.INFEASIBLE, forTask(local, List.of(), Map.of("cpu", 5.0)));
  }

  @Test
  void aZeroDemandIsNoDemandAndPinningUsesTheNodeResource() {
    Candidate local = node("here", 1, 1, 0, false);
    List<Candidate> peers = List.of(node("p1", 4, 0, 0, false), node("p2", 2, 0, 0, false));
    assertEquals(new TaskChoice(Kind.FORWARD, new NodeId("p1")), forTask(local, peers, Map.of("gpu", 0.0)));
    assertEquals(new TaskChoice(Kind.FORWARD, new NodeId("p2")), forTask(local, peers, Map.of("node:p2", 1.0)));
  }

  @Test
  void aBackloggedTaskRunsHereWhileThereIsRoomElseOnAFreePeerElseWaits() {
    List<Candidate> peers = List.of(node("p1", 2, 2, 0, false), node("p2", 2, 1, 0, false));
    assertEquals(TaskChoice.HERE, Placement.forBacklogged(HERE, true, () -> {
      throw new AssertionError("not needed");
    }, CPU));
    assertEquals(new TaskChoice(Kind.FORWARD, new NodeId("p2")), Placement.forBacklogged(HERE, false, () -> peers, CPU));
    assertEquals(TaskChoice.BACKLOG, Placement.forBacklogged(HERE, false, () -> peers.subList(0, 1), CPU));
    assertEquals(TaskChoice.BACKLOG, Placement.forBacklogged(HERE, false, () -> peers, GPU));
  }

  // ---- actors -----------------------------------------------------------------------------

  @Test
  void anActorGoesToTheNodeAskedForIfLiveAndFeasible() {
    List<Candidate> nodes = List.of(node("a", 1, 0, 0, false), node("b", 1, 0, 9, false), node("c", 1, 0, 9, true));
    assertEquals(new NodeId("b"), Placement.forActor(nodes, CPU, "b", null));
    assertEquals(new NodeId("a"), Placement.forActor(nodes, CPU, "gone", null),
        "an unknown onNode: the usual rule");
    assertEquals(new NodeId("c"), Placement.forActor(nodes, GPU, "b", null), "onNode without the resources is not taken");
    assertEquals(new NodeId("a"), Placement.forActor(List.of(node("a", 1, 0, 0, false), dead(node("b", 1, 0, 0, false))),
        CPU, "b", null), "nor a dead onNode");
  }

  @Test
  void anActorGoesToTheFeasibleLiveNodeWithTheFewestActorsTheHomeOnATie() {
    List<Candidate> nodes = List.of(dead(node("d", 1, 0, 0, false)), node("a", 1, 0, 3, false), node("b", 1, 0, 2, false),
        node("c", 1, 0, 2, false), node("g", 1, 0, 5, true));
    assertEquals(new NodeId("b"), Placement.forActor(nodes, CPU, null, null), "the first of the tie without a home");
    assertEquals(new NodeId("c"), Placement.forActor(nodes, CPU, null, new NodeId("c")), "the home wins a tie");
    assertEquals(new NodeId("b"), Placement.forActor(nodes, CPU, null, new NodeId("a")), "but not against fewer actors");
    assertEquals(new NodeId("g"), Placement.forActor(nodes, GPU, null, new NodeId("c")));
  }

  @Test
  void anActorNoLiveNodeCanHostIsNotPlaced() {
    List<Candidate> nodes = List.of(dead(node("d", 1, 0, 0, true)), node("a", 1, 0, 0, false));
    assertNull(Placement.forActor(nodes, GPU, null, new NodeId("a")));
    assertNull(Placement.forActor(List.of(), CPU, null, null));
  }

  @Test
  void theCallerChargesEachChoiceSoTheNextActorGoesElsewhere() {
    Candidate a = node("a", 1, 0, 1, false);
    Candidate b = node("b", 1, 0, 1, false);
    NodeId first = Placement.forActor(List.of(a, b), CPU, null, null);
    assertEquals(new NodeId("a"), first);
    Candidate charged = new Candidate(a.id(), a.slots(), a.busy(), a.queued(), a.resources(), a.actors() + 1, true);
    assertEquals(new NodeId("b"), Placement.forActor(List.of(charged, b), CPU, null, null));
  }
}
