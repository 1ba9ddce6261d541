package io.ember.testing;

import static io.ember.testing.LocalCluster.poll;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
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
 * try again. A typed {@code UNAVAILABLE} answer is not a drop: the home had not yet heard the
 * pinned node's first heartbeat (it learns a peer's resources from them), so the task is asked
 * again until the deadline.
 */
final class DriverReady {
  private DriverReady() {}

  static void await(Vertx vertx, EmberClient client, List<String> nodeNames, Duration timeout) throws Exception {
    int members = nodeNames.size() + 1;
    poll(members + " Hazelcast members (the nodes and this driver)", timeout,
        () -> ((VertxInternal) vertx).clusterManager().getNodes().size() >= members);
    for (String name : nodeNames) {
      long deadline = System.nanoTime() + timeout.toNanos();
      RuntimeException[] last = new RuntimeException[1];
      try {
        poll("node " + name + " runs a task pinned to it", timeout, () -> {
          try {
            client.task(BenchFns::noop).resource("node:" + name, 0.001).remote()
                .get(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            return true;
          } catch (EmberException e) {
            if (e.code() != ErrorCode.UNAVAILABLE) throw e;
            last[0] = e;
            return false;
          }
        });
      } catch (RuntimeException | AssertionError e) {
        throw new IllegalStateException("node " + name + " did not run a task pinned to it within " + timeout + ": "
            + (last[0] != null ? last[0] : e), e);
      }
    }
  }
}
