package io.ember.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ErrorCode;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.examples.Fns;
import io.ember.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bounded intake (issue 11 item 5), on one node in this JVM whose JSON doors admit at most
 * {@value #LIMIT} results in flight: a burst through {@code ember.submit} far past the limit gets
 * UNAVAILABLE for what does not fit (never a timeout, never a wrong value) and every accepted
 * task gives its exact result; a driver whose limit is {@value #LIMIT} that submits far more
 * is held back (its submit blocks) rather than refused, and every result is exact. Run under the
 * cluster lock (it starts Hazelcast).
 */
class AdmissionTest {
  static final int LIMIT = 50;
  static EmberNode node;

  @BeforeAll
  static void startNode() throws Exception {
    JsonObject conf = new JsonObject()
        .put("node", new JsonObject().put("dataDir", Files.createTempDirectory("ember-admission").toString())
            .put("resources", new JsonObject().put("cpu", 2)))
        .put("scheduler", new JsonObject().put("maxInFlight", LIMIT))
        .put("cluster", new JsonObject().put("name", "admission-" + UUID.randomUUID()).put("host", "127.0.0.1").put("port", 5980));
    node = await(EmberNode.start(conf, "test"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) await(node.stop());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  @Test
  void aBurstPastTheLimitOfTheJsonDoorIsRefusedTypedAndEveryAcceptedTaskIsExact() throws Exception {
    int n = 2_000;
    List<Future<Message<JsonObject>>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sent.add(node.vertx().eventBus().request(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.examples.Fns.add")
          .put("args", new JsonArray().add(i).add(1_000_000))));
    }
    await(Future.join(sent).otherwiseEmpty());
    int refused = 0;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Future<Message<JsonObject>> f = sent.get(i);
      if (f.failed()) {
        if (f.cause() instanceof ReplyException r && r.failureCode() == ErrorCode.UNAVAILABLE.code) refused++;
        else problems.add(i + ": " + f.cause());
        continue;
      }
      JsonObject got = await(node.vertx().eventBus().<JsonObject>request(Addresses.GET,
          new JsonObject().put("objectId", f.result().body().getString("objectId")))).body();
      if (got.getLong("value") != i + 1_000_000L) problems.add(i + ": got " + got.getValue("value"));
    }
    assertEquals(List.of(), problems.subList(0, Math.min(5, problems.size())), problems.size() + " submissions went wrong");
    assertTrue(refused > 0, "the limit of " + LIMIT + " refused none of " + n);
    assertTrue(refused < n, "every submission was refused");
  }

  @Test
  void aDriverPastItsLimitIsHeldBackNotRefusedAndEveryResultIsExact() throws Exception {
    System.setProperty("ember.client.maxInFlight", Integer.toString(LIMIT));
    EmberClient driver;
    try {
      driver = await(EmberClient.connect(node.vertx()));
    } finally {
      System.clearProperty("ember.client.maxInFlight");
    }
    try {
      int n = 2_000;
      List<ObjectRef<Long>> refs = new ArrayList<>();
      for (int i = 0; i < n; i++) refs.add(driver.task(Fns::add, (long) i, 7L).remote()); // blocks at the limit
      for (int i = 0; i < n; i++) assertEquals(i + 7L, refs.get(i).get(Duration.ofSeconds(60)), "task " + i);
    } finally {
      await(driver.close());
    }
  }
}
