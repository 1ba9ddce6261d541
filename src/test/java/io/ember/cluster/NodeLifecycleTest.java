package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ActorHandle;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.examples.Counter;
import io.ember.gcs.NodeRecord;
import io.ember.gcs.NodeState;
import io.ember.gcs.RedisProcess;
import io.ember.ids.ActorId;
import io.ember.ids.NodeId;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestFns;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node's life as a user sees it: started in any order, stopped cleanly. */
@Timeout(180)
class NodeLifecycleTest {
  LocalCluster cluster;

  @AfterEach
  void down() {
    if (cluster != null) cluster.close();
  }

  @Test
  void aWorkerStartedBeforeRedisWaitsForItAndComesUp() throws Exception {
    cluster = LocalCluster.withoutRedis(1);
    LocalCluster.NodeProcess w = cluster.startNode("w0", conf -> {});
    LocalCluster.poll("w0 says it waits for Redis", Duration.ofSeconds(60),
        () -> cluster.logOf(w).contains("waiting for Redis at 127.0.0.1:") || !w.process.isAlive());
    assertTrue(w.process.isAlive(), "w0 exited instead of waiting:\n" + cluster.logOf(w));

    cluster.startRedis();
    cluster.awaitAlive(1, Duration.ofSeconds(60));
    cluster.joinAsDriver();
    assertEquals(25L, cluster.client().task(TestFns::addSlow, 12L, 13L, 0).resource("node:w0", 1).remote().get(Duration.ofSeconds(30)));
  }

  /**
   * SIGTERM of a worker running a stream of tasks and hosting a counter: the process exits 0
   * within 5 s, its row is LEFT "stopped" (its own doing, not a monitor's detection), every task
   * gives its exact result, and the counter goes on from where it was on another node.
   */
  @Test
  void aStoppedWorkerLeavesAtOnceAndItsWorkGoesOn() throws Exception {
    cluster = LocalCluster.start(2);
    EmberClient ember = cluster.client();
    ActorHandle<Counter> counter = ember.actor(Counter::new, 0L).onNode("n1").checkpointEvery(0, Duration.ZERO).remote();
    for (long i = 1; i <= 20; i++) assertEquals(i, counter.task(Counter::incr, 1).remote().get(Duration.ofSeconds(30)));
    // onNode is a preference (a node not yet in the driver's view is passed over): stop wherever it is
    NodeId host = new NodeId(await(cluster.gcs().actors().row(ActorId.parse(counter.id()))).node());
    String name = cluster.nameOf(host);

    List<ObjectRef<Long>> results = new ArrayList<>();
    for (int i = 0; i < 100; i++) results.add(ember.task(TestFns::squareSlow, (long) i, 20).remote());
    LocalCluster.NodeProcess worker = cluster.node(name);
    long t0 = System.nanoTime();
    cluster.terminate(name);
    for (int i = 100; i < 200; i++) results.add(ember.task(TestFns::squareSlow, (long) i, 20).remote());
    assertTrue(worker.process.waitFor(10, TimeUnit.SECONDS), name + " still runs 10 s after SIGTERM");
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(0, worker.process.exitValue(), cluster.logOf(worker));
    assertTrue(stopMs < 5_000, name + " took " + stopMs + " ms to exit");

    NodeRecord row = rowOf(host);
    assertEquals(NodeState.LEFT, row.state());
    assertEquals("stopped", row.fields().get("deadReason"));
    for (int i = 0; i < results.size(); i++) assertEquals((long) i * i, results.get(i).get(Duration.ofSeconds(60)));
    for (long i = 21; i <= 30; i++) assertEquals(i, counter.task(Counter::incr, 1).remote().get(Duration.ofSeconds(60)));
    assertNotEquals(host.value(), await(cluster.gcs().actors().row(ActorId.parse(counter.id()))).node());

    List<JsonObject> entries = new ArrayList<>();
    for (JsonObject e : await(cluster.gcs().ledger().recent(1000))) {
      if ("node-dead".equals(e.getString("kind")) && host.value().equals(e.getString("node"))) entries.add(e);
    }
    assertEquals(1, entries.size(), entries.toString());
    assertEquals("stopped", entries.get(0).getString("reason"));
    assertEquals(host.value(), entries.get(0).getString("by"));
    // no checkpoint by count or time: the one the stop took is why the new incarnation replays nothing
    List<JsonObject> restored = new ArrayList<>();
    for (JsonObject e : await(cluster.gcs().ledger().recent(1000))) {
      if ("actor-restored".equals(e.getString("kind")) && counter.id().equals(e.getString("actor"))) restored.add(e);
    }
    assertEquals(1, restored.size(), restored.toString());
    assertEquals(0L, restored.get(0).getLong("replayed"), restored.toString());
  }

  /** SIGTERM of a head with an embedded Redis: exit 0 within 5 s, and its redis-server stops with it. */
  @Test
  void aStoppedHeadWithEmbeddedRedisExitsWithinFiveSeconds() throws Exception {
    cluster = LocalCluster.withoutRedis(1);
    int port = RedisProcess.freePort();
    LocalCluster.NodeProcess head = cluster.startNode("head", conf -> conf.put("redis",
        new JsonObject().put("embedded", true).put("host", "127.0.0.1").put("port", port)));
    LocalCluster.poll("the head is up", Duration.ofSeconds(60), () -> cluster.logOf(head).contains(" is up;") || !head.process.isAlive());
    assertTrue(answers(port), "embedded Redis answers");
    long t0 = System.nanoTime();
    cluster.terminate("head");
    assertTrue(head.process.waitFor(10, TimeUnit.SECONDS), "the head still runs 10 s after SIGTERM");
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(0, head.process.exitValue(), cluster.logOf(head));
    assertTrue(stopMs < 5_000, "the head took " + stopMs + " ms to exit");
    LocalCluster.poll("the embedded Redis to stop", Duration.ofSeconds(5), () -> !answers(port));
  }

  /**
   * A head frozen long enough to be declared dead (a long GC pause does the same) is fenced when
   * it resumes: it exits 3, and its embedded redis-server stops with it instead of running on as
   * an orphan nobody owns.
   */
  @Test
  void aFrozenHeadIsFencedWhenItResumesAndItsEmbeddedRedisStopsWithIt() throws Exception {
    cluster = LocalCluster.withoutRedis(2);
    int port = cluster.baseConf("any").getJsonObject("redis").getInteger("port");
    LocalCluster.NodeProcess head = cluster.startNode("head", conf -> conf.getJsonObject("redis").put("embedded", true));
    cluster.startNode("w0", conf -> {});
    cluster.awaitAlive(2, Duration.ofSeconds(90));
    cluster.freeze("head");
    LocalCluster.poll("the frozen head DEAD in the node table", Duration.ofSeconds(30), () -> "DEAD".equals(state("head")));
    cluster.resume("head");
    assertTrue(head.process.waitFor(30, TimeUnit.SECONDS), "the resumed head still runs 30 s after SIGCONT");
    assertEquals(3, head.process.exitValue(), cluster.logOf(head));
    assertTrue(cluster.logOf(head).contains("node fenced"), cluster.logOf(head));
    LocalCluster.poll("the head's embedded Redis to stop", Duration.ofSeconds(10), () -> !answers(port));
  }

  /**
   * A whole cluster killed at once and its head started again on the same data: the rows of the
   * earlier run, which nobody was left to declare dead, are swept to DEAD by the new acting
   * monitor within the component timeout, with the reason saying so.
   */
  @Test
  void aHeadRestartedOnItsDataSweepsTheRowsOfTheEarlierRun() throws Exception {
    cluster = LocalCluster.withoutRedis(3);
    LocalCluster.NodeProcess head = cluster.startNode("head", conf -> conf.getJsonObject("redis").put("embedded", true));
    LocalCluster.NodeProcess worker = cluster.startNode("w0", conf -> {});
    cluster.awaitAlive(2, Duration.ofSeconds(90));
    List<NodeId> earlier = List.of(cluster.nodeIdOf("head"), cluster.nodeIdOf("w0"));
    worker.process.destroyForcibly();
    head.process.destroyForcibly();
    assertTrue(worker.process.waitFor(10, TimeUnit.SECONDS) && head.process.waitFor(10, TimeUnit.SECONDS));

    cluster.startNode("head", conf -> conf.getJsonObject("redis").put("embedded", true));
    long t0 = System.nanoTime();
    LocalCluster.poll("the restarted head ALIVE", Duration.ofSeconds(90), () -> cluster.aliveCount() >= 1);
    LocalCluster.poll("both rows of the earlier run DEAD", Duration.ofSeconds(40), () -> {
      try {
        for (NodeId id : earlier) if (rowOf(id).state() != NodeState.DEAD) return false;
        return true;
      } catch (Exception e) {
        return false;
      }
    });
    long sweptMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    for (NodeId id : earlier) {
      assertTrue(rowOf(id).fields().getOrDefault("deadReason", "").endsWith("(earlier run)"), rowOf(id).fields().toString());
    }
    assertFalse(earlier.contains(cluster.nodeIdOf("head")), "the restarted head is a new incarnation");
    System.out.println("rows of the earlier run swept " + sweptMs + " ms after the restarted head started");
  }

  private String state(String name) {
    try {
      return cluster.stateOf(name);
    } catch (Exception e) {
      return null;
    }
  }

  private NodeRecord rowOf(NodeId id) throws Exception {
    for (NodeRecord r : await(cluster.gcs().nodes().all())) if (r.id().equals(id)) return r;
    throw new AssertionError("no row for " + id);
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
