package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ember.ids.ActorId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorPlacement;
import io.ember.protocol.ActorsPlaced;
import io.ember.protocol.NodeDeath;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** One decoded verdict reaches every listener, each through its own executor, in order. */
class VerdictFanoutTest {
  final ActorId actor = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("j")), 1));
  final NodeDeath verdict = new NodeDeath(new NodeId("a1"), "hung", 1, new NodeId("b1"), List.of(),
      List.of(new ActorPlacement(actor, new NodeId("b1"), 2)), List.of());

  @Test
  void everyListenerGetsTheSameVerdictOnItsOwnExecutor() {
    VerdictFanout deaths = new VerdictFanout();
    List<String> seen = new ArrayList<>();
    List<Runnable> queued = new ArrayList<>();
    Executor later = queued::add; // another context: runs when that context gets to it
    deaths.add(Runnable::run, v -> seen.add("view " + v.node()));
    deaths.add(later, new VerdictFanout.Listener() {
      @Override
      public void onNodeDead(NodeDeath v) {
        seen.add("host " + v.placements().get(0).node());
      }

      @Override
      public void onActorsPlaced(ActorsPlaced p) {
        seen.add("host placed " + p.actors().size());
      }
    });
    deaths.deliver(verdict);
    deaths.deliver(new ActorsPlaced(verdict.placements()));
    assertEquals(List.of("view a1"), seen, "the view's listener ran at once; the host's waits for its context");
    queued.forEach(Runnable::run);
    assertEquals(List.of("view a1", "host b1", "host placed 1"), seen);
  }

  @Test
  void listenersThatOnlyCareAboutVerdictsIgnorePlacements() {
    VerdictFanout deaths = new VerdictFanout();
    List<NodeDeath> seen = new ArrayList<>();
    deaths.add(Runnable::run, seen::add);
    deaths.deliver(new ActorsPlaced(verdict.placements()));
    deaths.deliver(verdict);
    deaths.deliver(verdict); // a verdict may come twice (a new leader finishing a cleanup)
    assertEquals(List.of(verdict, verdict), seen);
  }
}
