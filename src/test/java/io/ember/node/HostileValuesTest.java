package io.ember.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.ObjectRef;
import io.ember.protocol.Addresses;
import io.ember.testing.LoneNodeConf;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A value of a class outside the node's decode policy, reaching a node by the paths a user can
 * take (a task argument, a stored object read through the Java API and through ember.get), is
 * refused with NOT_SERIALIZABLE naming the class, and the node goes on serving. One node in this
 * JVM with its own embedded Redis: run under the cluster lock.
 */
class HostileValuesTest {
  static EmberNode node;

  @BeforeAll
  static void startNode() throws Exception {
    JsonObject conf = LoneNodeConf.of("hostile");
    node = await(EmberNode.start(conf, "test"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) await(node.stop());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void aTaskArgumentOfAForeignClassFailsTheTaskNamingTheClass() {
    ObjectRef<Long> r = node.client().<Long>taskByName("io.ember.examples.Fns.square", new ConcurrentHashMap<>(Map.of(1, 2))).remote();
    EmberException e = assertThrows(EmberException.class, () -> r.get(Duration.ofSeconds(20)));
    assertEquals(ErrorCode.NOT_SERIALIZABLE, e.code(), e.getMessage()); // before the filter: decoded, then ARGUMENT_MISMATCH
    assertTrue(e.getMessage().contains("java.util.concurrent.ConcurrentHashMap"), e.getMessage());
    assertEquals(42L, node.client().<Long>taskByName("io.ember.examples.Fns.add", 20L, 22L).remote().get(Duration.ofSeconds(20)));
  }

  @Test
  void aStoredObjectOfAForeignClassIsRefusedByGetAndByEmberGet() throws Exception {
    ObjectRef<Object> stored = node.client().put(new ConcurrentHashMap<>(Map.of(1, 2)));
    EmberException e = assertThrows(EmberException.class, () -> stored.get(Duration.ofSeconds(20)));
    assertEquals(ErrorCode.NOT_SERIALIZABLE, e.code(), e.getMessage());
    ExecutionException viaBus = assertThrows(ExecutionException.class, () -> await(node.vertx().eventBus()
        .request(Addresses.GET, new JsonObject().put("objectId", stored.id()))));
    ReplyException r = (ReplyException) viaBus.getCause();
    assertEquals(ErrorCode.NOT_SERIALIZABLE.code, r.failureCode(), r.getMessage());
    assertTrue(r.getMessage().contains("java.util.concurrent.ConcurrentHashMap"), r.getMessage());
    ObjectRef<Object> fine = node.client().put(Map.of("a", 1));
    assertEquals(Map.of("a", 1), fine.get(Duration.ofSeconds(20)));
  }
}
