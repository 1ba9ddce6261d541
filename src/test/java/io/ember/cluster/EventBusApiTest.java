package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ErrorCode;
import io.ember.examples.Fns;
import io.ember.protocol.Addresses;
import io.ember.testing.LocalCluster;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JSON event-bus API as a user verticle in another JVM sees it: submit, get, put, status,
 * and every kind of bad input answered with its documented code while the nodes keep serving.
 */
@Timeout(120)
class EventBusApiTest {
  static LocalCluster cluster;
  static UserVerticle user;

  /** What a Vert.x user writes: a verticle that talks to Ember only through the event bus. */
  static final class UserVerticle extends VerticleBase {
    Future<JsonObject> ask(String address, Object body) {
      return vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(30_000)).map(Message::body);
    }
  }

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.startWithTls(2, conf -> conf.put("objects", new JsonObject().put("capacityMb", 4).put("maxObjectMb", 8)));
    user = new UserVerticle();
    await(cluster.vertx().deployVerticle(user));
  }

  @AfterAll
  static void down() {
    if (cluster != null) cluster.close();
  }

  JsonObject call(String address, Object body) throws Exception {
    return await(user.ask(address, body));
  }

  ReplyException failure(String address, Object body) {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> call(address, body));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  void assertStillServing() throws Exception {
    JsonObject sub = call(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.add").put("args", new JsonArray().add(40).add(2)));
    assertEquals(42L, ((Number) call(Addresses.GET, new JsonObject().put("objectId", sub.getString("objectId"))).getValue("value")).longValue());
    assertEquals(2, cluster.aliveCount());
  }

  @Test
  void aNodeWithABadConfStopsNamingTheFileTheKeyAndTheType() throws Exception {
    Path conf = cluster.dir().resolve("bad.json");
    Files.writeString(conf, "{\"redis\": {\"port\": \"6390\"}}");
    LocalCluster.NodeProcess p = cluster.launch("bad", List.of("-cluster", "-conf", conf.toString()));
    assertTrue(p.process.waitFor(60, TimeUnit.SECONDS), "the node must stop");
    assertEquals(2, p.process.exitValue());
    assertTrue(cluster.logOf(p).contains(conf + ": key 'redis.port' must be an integer, got string \"6390\""), cluster.logOf(p));

    Files.writeString(conf, "{\"redis\": {\"hots\": \"x\"}}");
    LocalCluster.NodeProcess q = cluster.launch("bad2", List.of("-cluster", "-conf", conf.toString()));
    assertTrue(q.process.waitFor(60, TimeUnit.SECONDS), "the node must stop");
    assertEquals(2, q.process.exitValue());
    assertTrue(cluster.logOf(q).contains("unknown key 'redis.hots'"), cluster.logOf(q));
  }

  @Test
  void submitThenGetReturnsTheValue() throws Exception {
    JsonObject sub = call(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.add").put("args", new JsonArray().add(1).add(2)));
    assertTrue(sub.getString("objectId").endsWith(".1"), sub.encode());
    JsonObject got = call(Addresses.GET, new JsonObject().put("objectId", sub.getString("objectId")).put("timeoutMs", 10_000));
    assertEquals(3, got.getInteger("value"));
  }

  @Test
  void putValuesAndRefsChainThroughTasks() throws Exception {
    JsonObject put = call(Addresses.PUT, new JsonObject().put("value", new JsonArray().add(1).add(2).add(3).add(4)));
    JsonObject sum = call(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.sum")
        .put("args", new JsonArray().add(new JsonObject().put("$ref", put.getString("objectId")))));
    JsonObject sq = call(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.square")
        .put("args", new JsonArray().add(new JsonObject().put("$ref", sum.getString("objectId")))));
    assertEquals(100, call(Addresses.GET, new JsonObject().put("objectId", sq.getString("objectId"))).getInteger("value"));
    assertEquals(new JsonArray().add(1).add(2).add(3).add(4),
        call(Addresses.GET, new JsonObject().put("objectId", put.getString("objectId"))).getJsonArray("value"));
  }

  @Test
  void statusAnswersWithEveryNode() throws Exception {
    JsonObject s = call(Addresses.STATUS, new JsonObject());
    assertEquals(2, s.getJsonArray("nodes").size());
    assertTrue(s.getJsonObject("tasks").containsKey("FINISHED"));
  }

  @Test
  void malformedRequestsAreBadRequests() throws Exception {
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.SUBMIT, "not json {").failureCode());
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.SUBMIT, new JsonObject().put("args", new JsonArray())).failureCode());
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.SUBMIT, new JsonObject().put("function", 7)).failureCode());
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.SUBMIT,
        new JsonObject().put("function", "io.ember.examples.Fns.add").put("args", "1,2")).failureCode());
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.SUBMIT,
        new JsonObject().put("function", "io.ember.examples.Fns.add").put("args", new JsonArray()).put("colour", "red")).failureCode());
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.GET, new JsonObject().put("objectId", "nope")).failureCode());
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.GET, 12).failureCode());
    assertEquals(ErrorCode.BAD_REQUEST.code, failure(Addresses.PUT, new JsonObject()).failureCode());
    assertStillServing();
  }

  @Test
  void unknownFunctionsAreRefusedByName() throws Exception {
    ReplyException e = failure(Addresses.SUBMIT, new JsonObject().put("function", "java.lang.Runtime.exit").put("args", new JsonArray().add(0)));
    assertEquals(ErrorCode.UNKNOWN_FUNCTION.code, e.failureCode());
    assertTrue(e.getMessage().contains("java.lang.Runtime.exit"), e.getMessage());
    assertStillServing();
  }

  @Test
  void argumentMismatchesNameTheParameter() throws Exception {
    ReplyException count = failure(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.add").put("args", new JsonArray().add(1)));
    assertEquals(ErrorCode.ARGUMENT_MISMATCH.code, count.failureCode());
    ReplyException type = failure(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.add")
        .put("args", new JsonArray().add("one").add(2)));
    assertEquals(ErrorCode.ARGUMENT_MISMATCH.code, type.failureCode());
    assertTrue(type.getMessage().contains("argument 0 must be long"), type.getMessage());
    assertStillServing();
  }

  @Test
  void unknownObjectsTimeOutWithACode() throws Exception {
    String id = "0".repeat(32) + ".1";
    ReplyException e = failure(Addresses.GET, new JsonObject().put("objectId", id).put("timeoutMs", 300));
    assertTrue(e.failureCode() == ErrorCode.UNKNOWN_OBJECT.code || e.failureCode() == ErrorCode.TIMEOUT.code, e.getMessage());
    assertStillServing();
  }

  @Test
  void oversizedObjectsAreRefused() throws Exception {
    JsonObject sub = call(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.bytes")
        .put("args", new JsonArray().add(9 * 1024 * 1024).add(1)));
    ReplyException e = failure(Addresses.GET, new JsonObject().put("objectId", sub.getString("objectId")));
    assertEquals(ErrorCode.OBJECT_TOO_LARGE.code, e.failureCode());
    assertStillServing();
  }

  @Test
  void valuesWithoutJsonFormAreRefusedOnGet() throws Exception {
    JsonObject sub = call(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.unserialisable"));
    assertEquals(ErrorCode.NOT_SERIALIZABLE.code, failure(Addresses.GET, new JsonObject().put("objectId", sub.getString("objectId"))).failureCode());
    assertStillServing();
  }

  @Test
  void objectsBeyondTheStoreCapacitySpillAndStayReadable() throws Exception {
    // 6 x 1 MiB through a 4 MiB store: the oldest are spilled to disk, all stay readable and exact
    String[] ids = new String[6];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = call(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.bytes")
          .put("args", new JsonArray().add(1024 * 1024).add(i))
          .put("options", new JsonObject().put("resources", new JsonObject().put("node:n0", 1)))).getString("objectId");
    }
    for (int i = 0; i < ids.length; i++) {
      JsonObject sum = call(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.checksum")
          .put("args", new JsonArray().add(new JsonObject().put("$ref", ids[i])))
          .put("options", new JsonObject().put("resources", new JsonObject().put("node:n0", 1))));
      long expected = Fns.checksum(Fns.bytes(1024 * 1024, i));
      assertEquals(expected, ((Number) call(Addresses.GET, new JsonObject().put("objectId", sum.getString("objectId"))).getValue("value")).longValue());
    }
  }
}
