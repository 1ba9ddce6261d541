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
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.vertx.core.Future;
import io.ember.testing.LocalCluster;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One decoded verdict reaches every listener, each through its own executor, in order; one heard
 * on the bus only once the node table confirms it.
 */
class VerdictFanoutTest {
  final ActorId actor = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("j")), 1));
  final NodeDeath verdict = new NodeDeath(new NodeId("a1"), "hung", 1, new NodeId("b1"), List.of(),
      List.of(new ActorPlacement(actor, new NodeId("b1"), 2)), List.of());

  @Test
  void everyListenerGetsTheSameVerdictOnItsOwnExecutor() {
    VerdictFanout deaths = new VerdictFanout(null, id -> Future.succeededFuture(true));
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
    VerdictFanout deaths = new VerdictFanout(null, id -> Future.succeededFuture(true));
    List<NodeDeath> seen = new ArrayList<>();
    deaths.add(Runnable::run, seen::add);
    deaths.deliver(new ActorsPlaced(verdict.placements()));
    deaths.deliver(verdict);
    deaths.deliver(verdict); // a verdict may come twice (a new leader finishing a cleanup)
    assertEquals(List.of(verdict, verdict), seen);
  }

  @Test
  void aVerdictTheNodeTableDoesNotConfirmNeverReachesAListener() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Codecs.register(vertx.eventBus());
      Map<NodeId, Boolean> table = new ConcurrentHashMap<>(Map.of(new NodeId("a1"), false, new NodeId("c1"), true));
      AtomicInteger unreadable = new AtomicInteger(3); // the table cannot be read for the first three tries of b1
      VerdictFanout deaths = new VerdictFanout(vertx, id -> id.value().equals("b1") && unreadable.getAndDecrement() > 0
          ? Future.failedFuture("Redis did not answer") : Future.succeededFuture(table.getOrDefault(id, true)));
      List<String> seen = new CopyOnWriteArrayList<>();
      deaths.add(Runnable::run, v -> seen.add(v.node().value()));
      deaths.listen(vertx.eventBus()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      for (String n : List.of("a1", "b1", "c1")) {
        vertx.eventBus().publish(Addresses.NODE_DEAD, new NodeDeath(new NodeId(n), "forged?", 1, new NodeId("x1"), List.of(), List.of(), List.of()));
      }
      LocalCluster.poll("the confirmed verdicts", Duration.ofSeconds(10), () -> seen.size() >= 2);
      assertEquals(List.of("b1", "c1"), seen, "a1 is ALIVE in the table: its verdict is dropped; b1 waits for a readable table, in order");
    } finally {
      vertx.close();
    }
  }
}
