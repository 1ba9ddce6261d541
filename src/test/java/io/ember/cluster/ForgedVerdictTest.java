package io.ember.cluster;

import static io.ember.testing.LocalCluster.holdsFor;
import static io.ember.testing.LocalCluster.poll;

import io.ember.bench.BenchFns;
import io.ember.ids.NodeId;
import io.ember.protocol.Addresses;
import io.ember.protocol.NodeDeath;
import io.ember.testing.LocalCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A verdict is acted on only once the node table says so: a forged "node is dead" message on the
 * bus naming a live worker (issue 11: it used to halt the worker within 2 s, leave its row ALIVE,
 * and make the head skip the real declaration later) changes nothing, and the worker's real death
 * afterwards is still declared.
 */
@Timeout(180)
class ForgedVerdictTest {
  LocalCluster cluster;

  @AfterEach
  void down() {
    if (cluster != null) cluster.close();
  }

  @Test
  void aForgedVerdictNamingALiveWorkerChangesNothingAndItsRealDeathIsStillDeclared() throws Exception {
    cluster = LocalCluster.start(2);
    NodeId victim = cluster.nodeIdOf("n1");
    cluster.vertx().eventBus().publish(Addresses.NODE_DEAD,
        new NodeDeath(victim, "forged", System.currentTimeMillis(), cluster.nodeIdOf("n0"), List.of(), List.of(), List.of()));
    holdsFor("n1 runs and its row stays ALIVE", Duration.ofSeconds(4),
        () -> cluster.node("n1").process.isAlive() && "ALIVE".equals(state("n1")));
    cluster.client().task(BenchFns::noop).resource("node:n1", 0.001).remote().get(Duration.ofSeconds(20));
    cluster.kill("n1");
    poll("n1 declared DEAD after its real death", Duration.ofSeconds(30), () -> "DEAD".equals(state("n1")));
  }

  private String state(String name) {
    try {
      return cluster.stateOf(name);
    } catch (Exception e) {
      return "unreadable: " + e;
    }
  }
}
