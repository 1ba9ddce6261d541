package io.ember.examples;

import io.ember.api.ActorHandle;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.monitor.StatusReport;
import io.ember.node.EmberNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ember's main job: starts a single node with an embedded Redis, computes the sum of the
 * squares of 1..N as a DAG of tasks (N square tasks, then a tree of add tasks over their
 * results), a nested recursive Fibonacci and a counter actor called from the driver and from
 * tasks, prints the results and the cluster status, stops.
 */
public final class ExampleJob {
  private ExampleJob() {}

  /** The example node's data directory (its Redis data, spill files and node.log). */
  public static Path dataDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "ember-example");
  }

  /** Runs the job over 1..{@code n}; 0 when every result is the expected one. */
  public static int run(int n) {
    JsonObject conf = new JsonObject()
        .put("cluster", new JsonObject().put("name", "ember-example-" + ProcessHandle.current().pid()).put("port", 5901))
        .put("node", new JsonObject().put("dataDir", dataDir().toString()));
    EmberNode node;
    try {
      node = EmberNode.start(conf, "example").toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("example: the node did not start: " + e);
      return 1;
    }
    try {
      EmberClient ember = node.client();
      long t0 = System.nanoTime();
      List<ObjectRef<Long>> level = new ArrayList<>();
      for (long i = 1; i <= n; i++) level.add(ember.task(Fns::square, i).remote());
      while (level.size() > 1) {
        List<ObjectRef<Long>> next = new ArrayList<>();
        for (int i = 0; i + 1 < level.size(); i += 2) next.add(ember.task(Fns::add, level.get(i), level.get(i + 1)).remote());
        if (level.size() % 2 == 1) next.add(level.get(level.size() - 1));
        level = next;
      }
      long sum = level.get(0).get();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long expected = (long) n * (n + 1) * (2L * n + 1) / 6;
      System.out.printf("sum of squares 1..%d = %d (expected %d) in %d ms, %d tasks%n", n, sum, expected, ms, 2 * n - 1);
      long fib = ember.task(Fns::fib, 12).remote().get();
      System.out.printf("fib(12) by nested tasks = %d (expected 144)%n", fib);
      ActorHandle<Counter> counter = ember.actor(Counter::new, 0L).remote();
      List<ObjectRef<Long>> bumps = new ArrayList<>();
      for (int i = 1; i <= 100; i++) bumps.add(counter.task(Counter::incr, i).remote());
      for (int i = 0; i < 10; i++) bumps.add(ember.task(Fns::bump, counter, 1).remote());
      for (ObjectRef<Long> b : bumps) b.get();
      long count = counter.task(Counter::get).remote().get();
      System.out.printf("counter actor after 100 calls from the driver and 10 from tasks = %d (expected 5060)%n", count);
      System.out.println(StatusReport.render(ember.status().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)));
      return sum == expected && fib == 144 && count == 5060 ? 0 : 1;
    } catch (Exception e) {
      System.err.println("example failed: " + e);
      return 1;
    } finally {
      node.stop().toCompletionStage().toCompletableFuture().join();
    }
  }
}
