package io.ember.testing;

import static io.ember.testing.LocalCluster.poll;

import io.ember.bench.BenchFns;
import io.ember.client.EmberClient;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.List;

/**
 * When a test's driver may start: its Hazelcast cluster holds every node (nodes started at the
 * same moment on a loaded machine can form two clusters at first, which Hazelcast merges at its
 * next split-brain check, every 5 s here; until then a node is ALIVE in Redis but unreachable on
 * the event bus), then every node runs a task pinned to it and its result comes back: the
 * driver's submission, the home's placement and forwarding, and the result's way back all work.
 * One try each for the tasks: a hand-off the product drops is a failure here, not something to
 * try again.
 */
final class DriverReady {
  private DriverReady() {}

  static void await(Vertx vertx, EmberClient client, List<String> nodeNames, Duration timeout) throws Exception {
    int members = nodeNames.size() + 1;
    poll(members + " Hazelcast members (the nodes and this driver)", timeout,
        () -> ((VertxInternal) vertx).clusterManager().getNodes().size() >= members);
    for (String name : nodeNames) {
      try {
        client.task(BenchFns::noop).resource("node:" + name, 0.001).remote().get(timeout);
      } catch (RuntimeException e) {
        throw new IllegalStateException("node " + name + " did not run a task pinned to it within " + timeout + ": " + e, e);
      }
    }
  }
}
