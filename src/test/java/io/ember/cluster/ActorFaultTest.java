package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.poll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ActorDiedException;
import io.ember.api.ActorHandle;
import io.ember.api.ObjectLostException;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.examples.Counter;
import io.ember.gcs.ActorState;
import io.ember.gcs.ActorTable;
import io.ember.gcs.GcsTesting;
import io.ember.gcs.Keys;
import io.ember.ids.ActorId;
import io.ember.ids.NodeId;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestActors;
import io.ember.testing.TestFns;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Actors across real failures: kill -9 and SIGSTOP of the node JVM hosting an actor in a 3-node
 * cluster, with exact state and a check that what every caller saw fits one serial order.
 */
@Timeout(240)
class ActorFaultTest {
  static final Duration LONG = Duration.ofSeconds(90);
  LocalCluster cluster;

  @AfterEach
  void down() {
    if (cluster != null) cluster.close();
  }

  interface Check {
    boolean test() throws Exception;
  }

  /** A condition for {@code poll}: an exception (Redis busy, a node gone) counts as not yet. */
  static BooleanSupplier when(Check c) {
    return () -> {
      try {
        return c.test();
      } catch (Exception e) {
        return false;
      }
    };
  }

  ActorTable.Row row(ActorHandle<?> a) throws Exception {
    return await(cluster.gcs().actors().row(ActorId.parse(a.id())));
  }

  String hostOf(ActorHandle<?> a) throws Exception {
    return cluster.nameOf(new NodeId(row(a).node()));
  }

  long logLength(ActorHandle<?> a) throws Exception {
    return await(GcsTesting.redis(cluster.gcs()).send(Request.cmd(Command.LLEN).arg(Keys.actorLog(ActorId.parse(a.id()))))).toLong()
        + row(a).logBase();
  }

  List<JsonObject> ledger(String kind, ActorHandle<?> a) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject e : await(cluster.gcs().ledger().recent(1000))) {
      if (kind.equals(e.getString("kind")) && a.id().equals(e.getString("actor"))) out.add(e);
    }
    return out;
  }

  List<String> others(String name) {
    List<String> out = new ArrayList<>();
    for (String n : List.of("n0", "n1", "n2")) if (!n.equals(name)) out.add(n);
    return out;
  }

  /**
   * Three callers (the driver and two tasks on the surviving nodes) keep calling a counter that
   * has 1,000 logged increments when its node is killed. Every value 1..N is seen exactly once,
   * each caller's values rise, and the final count is exact.
   */
  void killDuringIncrements(int checkpointEvery) throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    ActorHandle<Counter> c = ember.actor(Counter::new).checkpointEvery(checkpointEvery, Duration.ZERO).remote();
    List<ObjectRef<Long>> first = new ArrayList<>();
    for (int i = 0; i < 1000; i++) first.add(c.task(Counter::incr, 1).remote());
    assertEquals(1000L, first.get(999).get(LONG));
    String host = hostOf(c);
    List<String> rest = others(host);
    ObjectRef<ArrayList<Long>> a = ember.task(TestFns::incrMany, c, 300, 3).resource("node:" + rest.get(0), 1).remote();
    ObjectRef<ArrayList<Long>> b = ember.task(TestFns::incrMany, c, 300, 3).resource("node:" + rest.get(1), 1).remote();
    List<ObjectRef<Long>> mine = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      mine.add(c.task(Counter::incr, 1).remote());
      if (i == 100) {
        poll("the callers to be under way", LONG, when(() -> logLength(c) >= 1200));
        cluster.kill(host);
      }
      TimeUnit.MILLISECONDS.sleep(2); // paces this caller (not a wait for a condition)
    }
    Set<Long> seen = new HashSet<>();
    for (ObjectRef<Long> r : first) assertTrue(seen.add(r.get(LONG)));
    List<Long> driver = new ArrayList<>();
    for (ObjectRef<Long> r : mine) driver.add(r.get(LONG));
    for (List<Long> values : List.of(driver, a.get(LONG), b.get(LONG))) {
      for (int i = 1; i < values.size(); i++) assertTrue(values.get(i) > values.get(i - 1), "a caller's values rise: " + values);
      for (Long v : values) assertTrue(seen.add(v), "value " + v + " was seen twice");
    }
    assertEquals(1900, seen.size());
    for (long v = 1; v <= 1900; v++) assertTrue(seen.contains(v), "value " + v + " was never seen");
    assertEquals(1900L, c.task(Counter::get).remote().get(LONG));
    assertNotEquals(host, hostOf(c));
    assertEquals(2, row(c).incarnation());
    List<JsonObject> restored = ledger("actor-restored", c);
    assertEquals(1, restored.size(), restored.toString());
    long replayed = restored.get(0).getLong("replayed");
    if (checkpointEvery == 0) {
      assertTrue(replayed >= 1200, "replayed " + replayed + " calls with no checkpoint");
      assertEquals(-1L, restored.get(0).getLong("checkpoint"));
    } else {
      assertTrue(replayed <= checkpointEvery, "replayed " + replayed + " calls; checkpoints every " + checkpointEvery);
      assertTrue(restored.get(0).getLong("checkpoint") >= 1200);
    }
  }

  @Test
  void killedActorReplaysItsLogExactly() throws Exception {
    killDuringIncrements(0);
  }

  @Test
  void killedActorRestoresItsCheckpointThenReplaysTheRest() throws Exception {
    killDuringIncrements(100);
    // the log before the older kept checkpoint is trimmed: bounded
    assertTrue(row(cluster.client().<Counter>actorHandle(ledgerActor())).logBase() > 0);
  }

  private String ledgerActor() throws Exception {
    for (JsonObject e : await(cluster.gcs().ledger().recent(1000))) if ("actor-restored".equals(e.getString("kind"))) return e.getString("actor");
    throw new AssertionError("no actor-restored entry");
  }

  /** Outputs of an actor evicted with spill off come back by replaying a scratch copy of the actor. */
  @Test
  void evictedOutputIsRebuiltByReplay() throws Exception {
    cluster = LocalCluster.start(2, conf -> conf.put("objects", new JsonObject().put("capacityMb", 4).put("spill", false)));
    EmberClient ember = cluster.client();
    ActorHandle<TestActors.Blob> blob = ember.actor(TestActors.Blob::new).checkpointEvery(0, Duration.ZERO).remote();
    List<ObjectRef<byte[]>> outs = new ArrayList<>();
    for (int i = 0; i < 12; i++) outs.add(blob.task(TestActors.Blob::next, 1 << 20).remote());
    assertEquals(12, blob.task(TestActors.Blob::calls).remote().get(LONG));
    byte[] third = outs.get(2).get(LONG); // evicted long ago (4 MiB store): rebuilt
    byte[] want = new byte[1 << 20];
    Arrays.fill(want, (byte) 3);
    assertArrayEquals(want, third);
    List<JsonObject> rebuilt = ledger("actor-output-rebuilt", blob);
    assertFalse(rebuilt.isEmpty());
    assertEquals(3L, rebuilt.get(0).getLong("replayed"));
    assertEquals(12, blob.task(TestActors.Blob::calls).remote().get(LONG)); // the live actor was not touched
  }

  /**
   * The node of an actor dies: outputs after the newest checkpoint come back with the replay,
   * older ones by a rebuild from an older kept checkpoint, and those before every kept
   * checkpoint are reported lost with a typed error. A non-deterministic actor's replay is
   * recorded as diverged.
   */
  @Test
  void outputsOfADeadNodeComeBack() throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    ActorHandle<TestActors.Blob> blob = ember.actor(TestActors.Blob::new).checkpointEvery(5, Duration.ZERO).remote();
    ActorHandle<TestActors.Clock> clock = ember.actor(TestActors.Clock::new).remote();
    List<ObjectRef<byte[]>> outs = new ArrayList<>();
    for (int i = 0; i < 12; i++) outs.add(blob.task(TestActors.Blob::next, 200_000).remote());
    outs.get(11).get(LONG);
    poll("checkpoints at 5 and 10", LONG, when(() -> row(blob).logBase() == 5));
    String host = hostOf(blob);
    List<ObjectRef<Long>> times = new ArrayList<>();
    for (int i = 0; i < 3; i++) times.add(clock.task(TestActors.Clock::now).remote());
    times.get(2).get(LONG);
    String clockHost = hostOf(clock);
    cluster.kill(host);
    if (!clockHost.equals(host)) cluster.kill(clockHost);
    for (int i = 5; i < 12; i++) {
      byte[] b = outs.get(i).get(LONG);
      assertEquals(200_000, b.length);
      assertEquals((byte) (i + 1), b[0], "output " + i);
      assertEquals((byte) (i + 1), b[b.length - 1], "output " + i);
    }
    ObjectLostException lost = assertThrows(ObjectLostException.class, () -> outs.get(1).get(LONG));
    assertTrue(lost.getMessage().contains("trimmed"), lost.getMessage());
    assertEquals(13, blob.task(TestActors.Blob::next, 10).remote().get(LONG)[0]);
    clock.task(TestActors.Clock::now).remote().get(LONG);
    poll("the clock's replay recorded as diverged", LONG, when(() -> !ledger("actor-replay-diverged", clock).isEmpty()));
  }

  /** maxRestarts(1): the first death recreates the actor, the second ends it with ActorDied for every call. */
  @Test
  void restartBudgetEndsInActorDied() throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    ActorHandle<Counter> c = ember.actor(Counter::new).maxRestarts(1).remote();
    assertEquals(1L, c.task(Counter::incr, 1).remote().get(LONG));
    cluster.kill(hostOf(c));
    assertEquals(2L, c.task(Counter::incr, 1).remote().get(LONG));
    assertEquals(1, row(c).restarts());
    String second = hostOf(c);
    cluster.kill(second);
    poll("the actor to be DEAD", LONG, when(() -> row(c).state() == ActorState.DEAD));
    ActorDiedException e = assertThrows(ActorDiedException.class, () -> c.task(Counter::incr, 1).remote().get(LONG));
    assertEquals(c.id(), e.actorId());
    assertTrue(e.getMessage().contains("restart budget (1)"), e.getMessage());
    assertThrows(ActorDiedException.class, () -> c.task(Counter::get).remote().get(LONG));
  }

  /**
   * SIGSTOP the actor's node: the actor is recreated elsewhere and serves every call exactly
   * once, in order; after SIGCONT the old incarnation runs nothing more and publishes nothing
   * (its node exits with code 3).
   */
  @Test
  void frozenHostIsFencedAndItsIncarnationNeverServesAgain() throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    ActorHandle<TestActors.Log> log = ember.actor(TestActors.Log::new).checkpointEvery(0, Duration.ZERO).remote();
    List<ObjectRef<Integer>> sizes = new ArrayList<>();
    for (int v = 1; v <= 200; v++) sizes.add(log.task(TestActors.Log::add, v).remote());
    assertEquals(200, sizes.get(199).get(LONG));
    String host = hostOf(log);
    LocalCluster.NodeProcess old = cluster.node(host);
    cluster.freeze(host);
    for (int v = 201; v <= 400; v++) sizes.add(log.task(TestActors.Log::add, v).remote());
    poll("the frozen node declared dead", LONG, when(() -> "DEAD".equals(cluster.stateOf(host))));
    assertEquals(400, sizes.get(399).get(LONG));
    cluster.resume(host);
    assertTrue(old.process.waitFor(60, TimeUnit.SECONDS), "the old incarnation's node exits");
    assertEquals(3, old.process.exitValue());
    for (int v = 401; v <= 450; v++) sizes.add(log.task(TestActors.Log::add, v).remote());
    for (int i = 0; i < 450; i++) assertEquals(i + 1, sizes.get(i).get(LONG));
    List<Integer> seen = log.task(TestActors.Log::seen).remote().get(LONG);
    List<Integer> want = new ArrayList<>();
    for (int v = 1; v <= 450; v++) want.add(v);
    assertEquals(want, seen);
    assertEquals(451, logLength(log)); // 450 adds and the seen() above: no entry from the old incarnation
  }
}
