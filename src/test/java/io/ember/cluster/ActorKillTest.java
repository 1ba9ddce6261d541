package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.holdsFor;
import static io.ember.testing.LocalCluster.poll;
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
import io.ember.gcs.ActorState;
import io.ember.gcs.ActorTable;
import io.ember.gcs.GcsTesting;
import io.ember.gcs.Keys;
import io.ember.ids.ActorId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.protocol.Addresses;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestActors;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * kill() and named actors on a real 2-node cluster: a kill fails the calls queued behind a
 * running one with ACTOR_DIED "killed", leaves a DEAD row and no log, checkpoint or name in
 * Redis, and the kill -9 of the node that hosted it restores nothing; names are found from
 * another driver and the event bus, refused while held, and free again after a kill. The node
 * kill runs last: the other tests need both nodes.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActorKillTest {
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

  interface Check {
    boolean test() throws Exception;
  }

  static BooleanSupplier when(Check c) {
    return () -> {
      try {
        return c.test();
      } catch (Exception e) {
        return false;
      }
    };
  }

  static ActorTable.Row row(ActorHandle<?> a) throws Exception {
    return await(cluster.gcs().actors().row(ActorId.parse(a.id())));
  }

  static boolean exists(String key) throws Exception {
    return await(GcsTesting.redis(cluster.gcs()).send(Request.cmd(Command.EXISTS).arg(key))).toLong() > 0;
  }

  static int failureCode(String address, Object body, DeliveryOptions o) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(cluster.vertx().eventBus().request(address, body, o)));
    return ((ReplyException) e.getCause()).failureCode();
  }

  @Test
  @Order(1)
  void namesAreFoundFromAnotherDriverRefusedWhileHeldAndFreeAfterAKill() throws Exception {
    ActorHandle<Counter> a = ember.actor(Counter::new, 10L).name("counter-a").remote();
    assertEquals(15L, a.task(Counter::incr, 5).remote().get());
    EmberClient other = await(EmberClient.connect(cluster.vertx(), JobId.random(), 30_000));
    try {
      ActorHandle<Counter> found = other.getActor("counter-a", Counter.class);
      assertEquals(a.id(), found.id());
      assertEquals(16L, found.task(Counter::incr, 1).remote().get());
      EmberException taken = assertThrows(EmberException.class, () -> other.actor(Counter::new).name("counter-a").remote());
      assertEquals(ErrorCode.ALREADY_EXISTS, taken.code());
      assertEquals(ErrorCode.ARGUMENT_MISMATCH,
          assertThrows(EmberException.class, () -> other.getActor("counter-a", TestActors.Slow.class)).code());
      JsonObject named = await(cluster.vertx().eventBus().<JsonObject>request(Addresses.ACTOR_NAMED,
          new JsonObject().put("name", "counter-a"))).body();
      assertEquals(a.id(), named.getString("actorId"));

      found.kill(); // any holder of a handle may kill it
      assertEquals(ErrorCode.UNKNOWN_ACTOR, assertThrows(EmberException.class, () -> other.getActor("counter-a", Counter.class)).code());
      ActorHandle<Counter> again = other.actor(Counter::new, 100L).name("counter-a").remote();
      assertEquals(101L, ember.getActor("counter-a", Counter.class).task(Counter::incr, 1).remote().get());
      assertTrue(!again.id().equals(a.id()));
      ActorDiedException died = assertThrows(ActorDiedException.class, () -> a.task(Counter::get).remote().get());
      assertTrue(died.getMessage().endsWith("killed"), died.getMessage());
      again.kill();
    } finally {
      await(other.close());
    }
  }

  @Test
  @Order(2)
  void theEventBusKillsByIdAndRefusesMalformedUnknownAndForgedRequests() throws Exception {
    var bus = cluster.vertx().eventBus();
    JsonObject created = await(bus.<JsonObject>request(Addresses.ACTOR_CREATE, new JsonObject().put("class", Counter.class.getName())
        .put("args", new JsonArray().add(1)).put("options", new JsonObject().put("name", "bus-counter")))).body();
    String id = created.getString("actorId");
    DeliveryOptions none = new DeliveryOptions();
    assertEquals(ErrorCode.ALREADY_EXISTS.code, failureCode(Addresses.ACTOR_CREATE, new JsonObject().put("class", Counter.class.getName())
        .put("options", new JsonObject().put("name", "bus-counter")), none));
    // the host's own kill op is only a "stop the instance" and refuses an actor the table says is alive
    DeliveryOptions forged = new DeliveryOptions().addHeader("op", "kill");
    assertEquals(ErrorCode.FORBIDDEN.code, failureCode(Addresses.actorsOf(new NodeId(created.getString("node"))),
        new JsonObject().put("actorId", id), forged));
    assertEquals(ErrorCode.BAD_REQUEST.code, failureCode(Addresses.ACTOR_KILL, new JsonObject().put("actorId", "zz"), none));
    assertEquals(ErrorCode.BAD_REQUEST.code, failureCode(Addresses.ACTOR_KILL, "not json", none));
    assertEquals(ErrorCode.BAD_REQUEST.code, failureCode(Addresses.ACTOR_KILL, new JsonObject().put("actorId", id).put("x", 1), none));
    String never = ActorId.parse(id).toString().replaceAll(".$", id.endsWith("0") ? "1" : "0");
    assertEquals(ErrorCode.UNKNOWN_ACTOR.code, failureCode(Addresses.ACTOR_KILL, new JsonObject().put("actorId", never), none));
    JsonObject k = await(bus.<JsonObject>request(Addresses.ACTOR_KILL, new JsonObject().put("actorId", id))).body();
    assertEquals(new JsonObject().put("actorId", id).put("killed", true), k);
    JsonObject k2 = await(bus.<JsonObject>request(Addresses.ACTOR_KILL, new JsonObject().put("actorId", id))).body();
    assertEquals(false, k2.getBoolean("killed"));
    assertEquals(ErrorCode.ACTOR_DIED.code, failureCode(Addresses.ACTOR_CALL, new JsonObject().put("actorId", id).put("method", "get"), none));
    assertEquals(ErrorCode.UNKNOWN_ACTOR.code, failureCode(Addresses.ACTOR_NAMED, new JsonObject().put("name", "bus-counter"), none));
  }

  @Test
  @Order(3)
  void aKillFailsQueuedCallsKeepsNothingAndItsNodeDeathRestoresNothing() throws Exception {
    ActorHandle<TestActors.Slow> slow = ember.actor(TestActors.Slow::new).onNode("n1").checkpointEvery(2, Duration.ZERO).remote();
    ActorHandle<Counter> bystander = ember.actor(Counter::new).onNode("n1").remote();
    for (int i = 1; i <= 5; i++) assertEquals(i, slow.task(TestActors.Slow::nap, 0).remote().get());
    assertEquals(1L, bystander.task(Counter::incr, 1).remote().get());
    ActorId id = ActorId.parse(slow.id());
    poll("its log and a checkpoint in Redis", Duration.ofSeconds(10),
        when(() -> exists(Keys.actorLog(id)) && exists(Keys.actorCheckpoints(id))));
    ObjectRef<Integer> running = slow.task(TestActors.Slow::nap, 3000).remote();
    List<ObjectRef<Integer>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) queued.add(slow.task(TestActors.Slow::nap, 0).remote());

    slow.kill();
    slow.kill(); // idempotent
    queued.add(0, running);
    for (ObjectRef<Integer> r : queued) {
      ActorDiedException e = assertThrows(ActorDiedException.class, r::get);
      assertEquals(ErrorCode.ACTOR_DIED, e.code());
      assertTrue(e.getMessage().endsWith("killed"), e.getMessage());
    }
    ActorDiedException later = assertThrows(ActorDiedException.class, () -> slow.task(TestActors.Slow::nap, 0).remote().get());
    assertTrue(later.getMessage().endsWith("killed"), later.getMessage());
    assertEquals(ActorState.DEAD, row(slow).state());
    assertEquals("killed", row(slow).error());
    // the call that was running when it was killed ends on n1: its log write is refused, nothing comes back
    holdsFor("no log or checkpoint of the killed actor in Redis", Duration.ofSeconds(4),
        when(() -> !exists(Keys.actorLog(id)) && !exists(Keys.actorCheckpoints(id))));

    cluster.kill("n1");
    poll("n1 declared dead and the bystander restored", Duration.ofSeconds(30),
        when(() -> "DEAD".equals(cluster.stateOf("n1")) && row(bystander).state() == ActorState.ALIVE && row(bystander).incarnation() == 2));
    holdsFor("the killed actor stays DEAD and unplaced", Duration.ofSeconds(3), when(() -> row(slow).state() == ActorState.DEAD
        && !await(cluster.gcs().actors().actorsOf(cluster.nodeIdOf("n0"))).contains(id)
        && !exists(Keys.actorLog(id))));
    for (JsonObject e : await(cluster.gcs().ledger().recent(1000))) {
      assertTrue(!slow.id().equals(e.getString("actor")), "no ledger entry restores the killed actor: " + e);
    }
    assertEquals(2L, bystander.task(Counter::incr, 1).remote().get());
  }
}
