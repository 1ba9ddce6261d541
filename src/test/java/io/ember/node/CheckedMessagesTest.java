package io.ember.node;

import static io.ember.testing.LocalCluster.holdsFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ember.api.ErrorCode;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.gcs.Keys;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.Addresses;
import io.ember.protocol.TaskDone;
import io.ember.serial.Values;
import io.ember.testing.LoneNodeConf;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Messages are checked, not trusted (issue 11 item 4), on one node in this JVM: a completion
 * forged into a client's inbox does not change what {@code ember.get} returns (the issue found
 * {@code square(12)} returning 999 and an actor's {@code incr} 4242), and a {@code put} to a
 * node's object manager under an id its sender does not own is refused with FORBIDDEN and
 * writes nothing (the issue found any bytes stored under any id and recorded in Redis). Run
 * under the cluster lock (it starts Hazelcast).
 */
class CheckedMessagesTest {
  static EmberNode node;

  @BeforeAll
  static void startNode() throws Exception {
    JsonObject conf = LoneNodeConf.of("checked");
    node = await(EmberNode.start(conf, "test"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) await(node.stop());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static NodeId self() {
    return node.node().nodeId();
  }

  static JsonObject request(String address, JsonObject body) throws Exception {
    return await(node.vertx().eventBus().<JsonObject>request(address, body)).body();
  }

  static Object valueOf(String objectId) throws Exception {
    return request(Addresses.GET, new JsonObject().put("objectId", objectId)).getValue("value");
  }

  /** The failure code a request ends with (0 if it succeeded). */
  static int codeOf(Future<?> f) throws Exception {
    try {
      await(f);
      return 0;
    } catch (java.util.concurrent.ExecutionException e) {
      return ((io.vertx.core.eventbus.ReplyException) e.getCause()).failureCode();
    }
  }

  /** A completion as a forger would send it: the task's id and a value of its choosing, from {@code from}. */
  static void forge(ClientId owner, String taskId, NodeId from, Object value) {
    Buffer bytes = Values.encode(value);
    node.vertx().eventBus().send(Addresses.clientInbox(owner),
        TaskDone.ok(TaskId.parse(taskId), from, "127.0.0.1", 1, bytes.length(), bytes));
  }

  @Test
  void aForgedCompletionDoesNotChangeWhatGetReturnsForATask() throws Exception {
    JsonObject sub = request(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.square")
        .put("args", new JsonArray().add(12)));
    assertEquals(144, ((Number) valueOf(sub.getString("objectId"))).intValue());
    forge(node.client().id(), sub.getString("taskId"), new NodeId("forger"), 999L);
    forge(node.client().id(), sub.getString("taskId"), self(), 998L); // naming the node that ran it does not help either
    holdsFor("square(12) is still 144 after forged completions", Duration.ofMillis(1500), () -> {
      try {
        return ((Number) valueOf(sub.getString("objectId"))).intValue() == 144;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void aForgedCompletionDoesNotChangeWhatGetReturnsForAnActorCall() throws Exception {
    JsonObject actor = request(Addresses.ACTOR_CREATE, new JsonObject().put("class", "io.ember.examples.Counter")
        .put("args", new JsonArray().add(0)));
    JsonObject call = request(Addresses.ACTOR_CALL, new JsonObject().put("actorId", actor.getString("actorId"))
        .put("method", "incr").put("args", new JsonArray().add(4)));
    assertEquals(4, ((Number) valueOf(call.getString("objectId"))).intValue());
    forge(node.client().id(), call.getString("taskId"), new NodeId("forger"), 4242L);
    holdsFor("incr(4) is still 4 after a forged completion", Duration.ofMillis(1500), () -> {
      try {
        return ((Number) valueOf(call.getString("objectId"))).intValue() == 4;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  static Future<?> put(ObjectId id, ClientId owner, String text) {
    DeliveryOptions o = new DeliveryOptions().addHeader("op", "put").addHeader("objectId", id.toString())
        .addHeader("owner", owner.value()).setSendTimeout(10_000);
    return node.vertx().eventBus().request(Addresses.objectsOf(self()), Values.encode(text), o);
  }

  static boolean recorded(ObjectId id) throws Exception {
    return await(io.ember.gcs.GcsTesting.redis(node.node().gcs()).send(Request.cmd(Command.EXISTS).arg(Keys.object(id)))).toInteger() == 1;
  }

  @Test
  void aPutUnderATasksOutputIsForbiddenAndChangesNothing() throws Exception {
    JsonObject sub = request(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.square")
        .put("args", new JsonArray().add(11)));
    assertEquals(121, ((Number) valueOf(sub.getString("objectId"))).intValue());
    ObjectId output = ObjectId.parse(sub.getString("objectId"));
    assertEquals(ErrorCode.FORBIDDEN.code, codeOf(put(output, node.client().id(), "forged")));
    assertEquals(121, ((Number) valueOf(sub.getString("objectId"))).intValue());
  }

  @Test
  void aPutUnderAnIdNoClientIsStoringIsForbiddenAndNothingIsWritten() throws Exception {
    ObjectId fresh = ObjectId.of(TaskId.child(TaskId.driverOf(JobId.named("nobody's put " + UUID.randomUUID())), 0), 0);
    assertEquals(ErrorCode.FORBIDDEN.code, codeOf(put(fresh, node.client().id(), "forged")), "as this node's own client");
    assertEquals(ErrorCode.FORBIDDEN.code, codeOf(put(fresh, new ClientId("c-000000000000"), "forged")), "as a client nobody knows");
    holdsFor("no row is written for " + fresh, Duration.ofMillis(500), () -> {
      try {
        return !recorded(fresh);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void aDriversOwnPutIsStillStoredAtItsHome() throws Exception {
    EmberClient driver = await(EmberClient.connect(node.vertx()));
    try {
      ObjectRef<String> ref = driver.put("mine");
      assertEquals("mine", ref.get(Duration.ofSeconds(10)));
      ObjectId id = ObjectId.parse(ref.id());
      io.ember.testing.LocalCluster.poll("the driver's put is recorded", Duration.ofSeconds(10), () -> {
        try {
          return recorded(id);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertEquals(ErrorCode.FORBIDDEN.code, codeOf(put(id, driver.id(), "again")), "a second put under the same id");
    } finally {
      await(driver.close());
    }
  }
}
