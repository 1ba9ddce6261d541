package io.ember.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.ActorId;
import io.ember.ids.JobId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The decoding guards every consumer goes through: typed failures for anything malformed, never an exception. */
@ExtendWith(VertxExtension.class)
class JsonDoorTest {

  static int failureCode(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return ((ReplyException) e.getCause()).failureCode();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void aServedRequestThatThrowsIsATypedFailure(Vertx vertx) throws Exception {
    vertx.eventBus().consumer("t.serve", JsonDoor.serve("test", m -> {
      JsonObject req = Requests.object(m.body());
      return Future.succeededFuture(Requests.bool(req, "brief"));
    }));
    assertEquals(ErrorCode.BAD_REQUEST.code, failureCode(vertx.eventBus().request("t.serve", new JsonObject().put("brief", "yes"))));
    assertEquals(ErrorCode.BAD_REQUEST.code, failureCode(vertx.eventBus().request("t.serve", null)));
    assertEquals(ErrorCode.BAD_REQUEST.code, failureCode(vertx.eventBus().request("t.serve", "{not json")));
    assertEquals(ErrorCode.BAD_REQUEST.code, failureCode(vertx.eventBus().request("t.serve", 42)));
    assertEquals(true, vertx.eventBus().request("t.serve", new JsonObject().put("brief", true))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body());
  }

  @Test
  void aBugInTheHandlingIsInternalNotBadRequest() {
    Future<Object> f = JsonDoor.answer("op", () -> {
      throw new IllegalStateException("boom");
    });
    assertEquals(ErrorCode.INTERNAL, ((EmberException) f.cause()).code());
    assertEquals(ErrorCode.BAD_REQUEST, ((EmberException) JsonDoor.answer("op", () -> {
      throw new ClassCastException("x");
    }).cause()).code());
  }

  @Test
  void aBinaryConsumerRefusesAnotherTypeToARequesterAndDropsItOnASend(Vertx vertx) throws Exception {
    AtomicInteger handled = new AtomicInteger();
    vertx.eventBus().consumer("t.binary", Codecs.consumer("t.binary", Buffer.class, b -> handled.incrementAndGet()));
    assertEquals(ErrorCode.BAD_REQUEST.code, failureCode(vertx.eventBus().request("t.binary", new JsonObject())));
    vertx.eventBus().send("t.binary", "garbage");
    vertx.eventBus().send("t.binary", Buffer.buffer("ok"));
    long deadline = System.currentTimeMillis() + 5000;
    while (handled.get() == 0 && System.currentTimeMillis() < deadline) {
      vertx.timer(10).toCompletionStage().toCompletableFuture().get();
    }
    assertEquals(1, handled.get());
  }

  @Test
  void dropsAreLoggedAtMostOncePerInterval() {
    AtomicLong now = new AtomicLong(1_000);
    Drops drops = new Drops("t.drops", now::get);
    assertTrue(drops.drop("first").contains("1 malformed message on t.drops"));
    for (int i = 0; i < 100; i++) assertNull(drops.drop("more"));
    now.addAndGet(Drops.EVERY_MS);
    assertTrue(drops.drop("later").contains("101 malformed messages"), "the count since the last line");
  }

  @Test
  void timeoutsOutsideOneMsToADayAreRefused() {
    assertEquals(7, Requests.timeoutMs(new JsonObject(), "timeoutMs", 7));
    assertEquals(5, Requests.timeoutMs(new JsonObject().put("timeoutMs", 5), "timeoutMs", 7));
    for (Object bad : List.of(0, -1, Long.MAX_VALUE, "5", 1.5)) {
      EmberException e = assertThrows(EmberException.class, () -> Requests.timeoutMs(new JsonObject().put("timeoutMs", bad), "timeoutMs", 7));
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }
    assertThrows(EmberException.class, () -> Requests.timeoutMsHeader("soon", "timeoutMs", 7));
    assertThrows(EmberException.class, () -> Requests.objectIdHeader(null, "objectId"));
  }

  @Test
  void aStoredActorSpecThatDoesNotDecodeSaysSoWithoutAllocatingByAGarbageLength() {
    ActorId actor = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("spec")), 0));
    byte[] garbage = new byte[20];
    garbage[16] = 0x7f; // a class-name length of ~2 GB: refused, not allocated
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActorCreateSpec.decodeStored(actor, garbage));
    assertTrue(e.getMessage().contains("cannot be decoded"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ActorCreateSpec.decodeStored(actor, null));
    ActorCreateSpec ok = new ActorCreateSpec(actor, "x.C", List.of(), Map.of(), -1, 0, 0, null);
    assertEquals("x.C", ActorCreateSpec.decodeStored(actor, ok.encode().getBytes()).className());
    ActorId other = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("spec")), 1));
    assertThrows(IllegalArgumentException.class, () -> ActorCreateSpec.decodeStored(other, ok.encode().getBytes()));
  }
}
