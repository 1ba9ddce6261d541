package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ActorDiedException;
import io.ember.api.ActorHandle;
import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.examples.Counter;
import io.ember.examples.Fns;
import io.ember.protocol.Addresses;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestActors;
import io.ember.testing.TestFns;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Actors on a real 2-node cluster: creation, ordered calls, handles passed around, the JSON door, bad input. */
@Timeout(180)
class ActorTest {
  static LocalCluster cluster;
  static EmberClient ember;

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.start(2);
    ember = cluster.client();
  }

  @AfterAll
  static void down() {
    if (cluster != null) cluster.close();
  }

  @Test
  void callsOfOneCallerRunInOrder() {
    ActorHandle<Counter> c = ember.actor(Counter::new, 100L).resource("node:n1", 1).remote();
    List<ObjectRef<Long>> refs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) refs.add(c.task(Counter::incr, 1).remote());
    for (int i = 0; i < 1000; i++) assertEquals(101L + i, refs.get(i).get());
    assertEquals(1100L, c.task(Counter::get).remote().get());
  }

  @Test
  void handlesPassToTasksAndActors() {
    ActorHandle<Counter> c = ember.actor(Counter::new).resource("node:n0", 1).remote();
    assertEquals(5L, ember.task(TestFns::incrVia, c, 5).resource("node:n1", 1).remote().get());
    ActorHandle<TestActors.Relay> relay = ember.actor(TestActors.Relay::new, c).resource("node:n1", 1).remote();
    assertEquals(12L, relay.task(TestActors.Relay::forward, 7).remote().get());
    assertEquals(12L, c.task(Counter::get).remote().get());
  }

  @Test
  void aTaskOnAnotherNodeFindsAnActorCreatedAMomentBeforeAndKeepsFindingIt() {
    // the task's node may look the actor up before its creation wrote the row: that is "not yet", never "unknown" for good
    for (int i = 0; i < 10; i++) {
      ActorHandle<Counter> c = ember.actor(Counter::new).resource("node:n0", 1).remote();
      ObjectRef<Long> first = ember.task(TestFns::incrVia, c, 1).resource("node:n1", 1).remote();
      assertEquals(1L, first.get());
      assertEquals(3L, ember.task(TestFns::incrVia, c, 2).resource("node:n1", 1).remote().get());
    }
  }

  @Test
  void aNodeThatJustJoinedTakesTasksAndActorCallsAtOnce() throws Exception {
    // no warm-up: the moment its row says ALIVE, work is placed on it through every hand-off
    // (driver -> home -> forward, actor creation, actor calls from a task on another node)
    cluster.startNode("n2", conf -> {});
    cluster.awaitAlive(3, Duration.ofSeconds(90));
    List<ObjectRef<Long>> pinned = new ArrayList<>();
    for (int i = 0; i < 20; i++) pinned.add(ember.task(Fns::square, (long) i).resource("node:n2", 0.01).remote());
    ActorHandle<Counter> c = ember.actor(Counter::new).resource("node:n2", 1).remote();
    ObjectRef<Long> viaTask = ember.task(TestFns::incrVia, c, 4).resource("node:n1", 1).remote();
    for (int i = 0; i < 20; i++) assertEquals((long) i * i, pinned.get(i).get(Duration.ofSeconds(15)));
    assertEquals(4L, viaTask.get(Duration.ofSeconds(15)));
    assertEquals(5L, c.task(Counter::incr, 1).remote().get(Duration.ofSeconds(15)));
  }

  @Test
  void constructorFailureIsActorDied() {
    ActorHandle<TestActors.Broken> b = ember.actor(TestActors.Broken::new).remote();
    ActorDiedException e = assertThrows(ActorDiedException.class, () -> b.task(TestActors.Broken::ping).remote().get());
    assertTrue(e.getMessage().contains("broken on purpose"), e.getMessage());
  }

  @Test
  void unknownMethodIsTyped() {
    ActorHandle<Counter> c = ember.actor(Counter::new).remote();
    EmberException e = assertThrows(EmberException.class, () -> c.callByName("nope").remote().get());
    assertEquals(ErrorCode.UNKNOWN_FUNCTION, e.code());
    assertEquals(1L, c.task(Counter::incr, 1).remote().get()); // the actor still serves
  }

  @Test
  void jsonDoorCreatesAndCalls() throws Exception {
    var bus = cluster.vertx().eventBus();
    JsonObject created = await(bus.<JsonObject>request(Addresses.ACTOR_CREATE,
        new JsonObject().put("class", Counter.class.getName()).put("args", new JsonArray().add(40)))).body();
    String id = created.getString("actorId");
    JsonObject called = await(bus.<JsonObject>request(Addresses.ACTOR_CALL,
        new JsonObject().put("actorId", id).put("method", "incr").put("args", new JsonArray().add(2)))).body();
    JsonObject got = await(bus.<JsonObject>request(Addresses.GET, new JsonObject().put("objectId", called.getString("objectId")))).body();
    assertEquals(42L, ((Number) got.getValue("value")).longValue());

    assertEquals(ErrorCode.UNKNOWN_ACTOR.code, failure(Addresses.ACTOR_CREATE, new JsonObject().put("class", "java.lang.Runtime")));
    assertEquals(ErrorCode.UNKNOWN_FUNCTION.code, failure(Addresses.ACTOR_CALL, new JsonObject().put("actorId", id).put("method", "exit")));
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.ACTOR_CALL, new JsonObject().put("actorId", "zz").put("method", "incr")));
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.ACTOR_CALL, "not json"));
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.ACTOR_CREATE, new JsonObject().put("class", Counter.class.getName())
        .put("options", new JsonObject().put("maxRestarts", "many"))));
    assertEquals(ErrorCode.UNKNOWN_ACTOR.code, failure(Addresses.ACTOR_CALL,
        new JsonObject().put("actorId", "0123456789abcdef0123456789abcdef").put("method", "incr")));
    // after all that bad input the node still serves the actor
    JsonObject again = await(bus.<JsonObject>request(Addresses.ACTOR_CALL,
        new JsonObject().put("actorId", id).put("method", "incr").put("args", new JsonArray().add(1)))).body();
    JsonObject got2 = await(bus.<JsonObject>request(Addresses.GET, new JsonObject().put("objectId", again.getString("objectId")))).body();
    assertEquals(43L, ((Number) got2.getValue("value")).longValue());
  }

  static int failure(String address, Object body) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(cluster.vertx().eventBus().request(address, body)));
    return ((ReplyException) e.getCause()).failureCode();
  }
}
