package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.ObjectRef;
import io.ember.api.TaskCancelledException;
import io.ember.api.WaitResult;
import io.ember.client.EmberClient;
import io.ember.examples.Fns;
import io.ember.gcs.TaskRecord;
import io.ember.gcs.TaskState;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.Addresses;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestFns;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The calls a Ray user reaches for, on three real node JVMs, from a driver and over the event bus:
 * wait for k of n, get many, cancel (queued and running; a dependent fails too; never re-run, not
 * even when its node dies) and tasks with several return values, rebuilt together after the node
 * holding them is killed.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallsTest {
  static LocalCluster cluster;
  static EmberClient ember;

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.start(3, conf -> {});
    ember = cluster.client();
  }

  @AfterAll
  static void down() {
    if (cluster != null) cluster.close();
  }

  /** Blocks both worker slots of node {@code name} (cpu 2) until cancelled; returns once both run. */
  static List<ObjectRef<Long>> occupy(String name) throws Exception {
    List<ObjectRef<Long>> blockers = List.of(ember.task(TestFns::block, 60_000).resource("node:" + name, 1).remote(),
        ember.task(TestFns::block, 60_000).resource("node:" + name, 1).remote());
    for (ObjectRef<Long> b : blockers) poll(b + " running", Duration.ofSeconds(20), () -> state(b) == TaskState.RUNNING);
    return blockers;
  }

  static TaskRecord row(ObjectRef<?> ref) {
    try {
      return await(cluster.gcs().tasks().get(ObjectId.parse(ref.id()).task()));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static TaskState state(ObjectRef<?> ref) {
    TaskRecord r = row(ref);
    return r == null ? null : r.state();
  }

  static JsonObject ask(String address, JsonObject body) throws Exception {
    return await(cluster.vertx().eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(30_000))).body();
  }

  @Test
  @Order(1)
  void waitGivesTheFirstReadyAndGetAllEveryValue() throws Exception {
    List<ObjectRef<Long>> refs = new ArrayList<>();
    for (long i = 1; i <= 3; i++) refs.add(ember.task(Fns::square, i).remote());
    ObjectRef<Long> slow = ember.task(TestFns::block, 60_000).remote();
    refs.add(1, slow);
    WaitResult<Long> three = ember.wait(refs, 3, Duration.ofSeconds(20));
    assertEquals(List.of(refs.get(0), refs.get(2), refs.get(3)), three.ready());
    assertEquals(List.of(slow), three.notReady());
    long start = System.nanoTime();
    WaitResult<Long> all = ember.wait(refs, 4, Duration.ofMillis(500));
    assertTrue(System.nanoTime() - start >= 400_000_000L, "waited for the timeout");
    assertEquals(3, all.ready().size());
    assertEquals(List.of(1L, 4L, 9L), ember.getAll(List.of(refs.get(0), refs.get(2), refs.get(3)), Duration.ofSeconds(10)));
    assertTrue(ember.cancel(slow));
    assertEquals(4, ember.wait(refs, 4, Duration.ofSeconds(10)).ready().size(), "a cancelled task is ready: its failure is known");
    assertThrows(TaskCancelledException.class, () -> ember.getAll(refs, Duration.ofSeconds(10)));
  }

  @Test
  @Order(2)
  void aQueuedTaskIsDroppedAndItsDependentFailsCancelledToo() throws Exception {
    List<ObjectRef<Long>> blockers = occupy("n1");
    ObjectRef<Long> queued = ember.task(TestFns::addSlow, 1L, 2L, 10).resource("node:n1", 1).remote();
    ObjectRef<Long> dependent = ember.task(Fns::add, queued, 1L).remote();
    poll("queued at n1", Duration.ofSeconds(10), () -> state(queued) == TaskState.QUEUED);
    assertTrue(ember.cancel(queued));
    TaskCancelledException e = assertThrows(TaskCancelledException.class, () -> queued.get(Duration.ofSeconds(10)));
    assertEquals(ObjectId.parse(queued.id()).task().toString(), e.taskId());
    EmberException dep = assertThrows(EmberException.class, () -> dependent.get(Duration.ofSeconds(30)));
    assertEquals(ErrorCode.CANCELLED, dep.code(), dep.getMessage());
    poll("recorded FAILED (CANCELLED) by the node that held it", Duration.ofSeconds(10), () -> state(queued) == TaskState.FAILED);
    assertEquals(ErrorCode.CANCELLED, row(queued).failure().code());
    for (ObjectRef<Long> b : blockers) assertTrue(ember.cancel(b));
    assertEquals(5L, ember.task(TestFns::addSlow, 2L, 3L, 1).resource("node:n1", 1).remote().get(Duration.ofSeconds(20)), "n1 serves again");
  }

  @Test
  @Order(3)
  void aRunningTaskIsInterruptedFreesItsSlotAndIsNeverRetried() throws Exception {
    List<ObjectRef<Long>> running = occupy("n2");
    for (ObjectRef<Long> r : running) assertTrue(ember.cancel(r));
    for (ObjectRef<Long> r : running) {
      assertThrows(TaskCancelledException.class, () -> r.get(Duration.ofSeconds(10)));
      poll("recorded FAILED (CANCELLED)", Duration.ofSeconds(10), () -> state(r) == TaskState.FAILED);
      assertEquals(ErrorCode.CANCELLED, row(r).failure().code());
      assertEquals(0, row(r).attempts(), "not retried");
    }
    // both worker threads were interrupted: n2 runs two tasks at once again at once, not in 60 s
    List<ObjectRef<Long>> next = List.of(ember.task(TestFns::addSlow, 1L, 1L, 1).resource("node:n2", 1).remote(),
        ember.task(TestFns::addSlow, 2L, 2L, 1).resource("node:n2", 1).remote());
    assertEquals(List.of(2L, 4L), ember.getAll(next, Duration.ofSeconds(20)));
    assertFalse(ember.cancel(next.get(0)), "a finished task is not cancelled");
  }

  @Test
  @Order(4)
  void theEventBusApiWaitsGetsManyCancelsAndSubmitsSeveralReturns() throws Exception {
    JsonObject sub = ask(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.testing.TestFns.parts")
        .put("args", new JsonArray().add(7)).put("options", new JsonObject().put("numReturns", 3)));
    JsonArray ids = sub.getJsonArray("objectIds");
    assertEquals(3, ids.size());
    assertEquals(sub.getString("taskId") + ".2", ids.getString(1));
    JsonObject slow = ask(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.testing.TestFns.block").put("args", new JsonArray().add(60_000)));
    JsonArray all = ids.copy().add(slow.getString("objectId"));
    JsonObject waited = ask(Addresses.WAIT, new JsonObject().put("objectIds", all).put("numReady", 3).put("timeoutMs", 20_000));
    assertEquals(ids, waited.getJsonArray("ready"));
    assertEquals(new JsonArray().add(slow.getString("objectId")), waited.getJsonArray("notReady"));
    JsonArray firstTwo = new JsonArray().add(ids.getString(0)).add(ids.getString(1));
    JsonArray values = ask(Addresses.GET, new JsonObject().put("objectIds", firstTwo)).getJsonArray("values");
    assertEquals(List.of(7L, 49L), List.of(((Number) values.getValue(0)).longValue(), ((Number) values.getValue(1)).longValue()));
    assertEquals(true, ask(Addresses.CANCEL_TASK, new JsonObject().put("objectId", slow.getString("objectId"))).getBoolean("cancelled"));
    ExecutionException cancelled = assertThrows(ExecutionException.class,
        () -> ask(Addresses.GET, new JsonObject().put("objectId", slow.getString("objectId"))));
    assertEquals(499, assertInstanceOf(ReplyException.class, cancelled.getCause()).failureCode());
    assertEquals(false, ask(Addresses.CANCEL_TASK, new JsonObject().put("objectId", ids.getString(0))).getBoolean("cancelled"));
    JsonObject wrong = ask(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.testing.TestFns.parts")
        .put("args", new JsonArray().add(7)).put("options", new JsonObject().put("numReturns", 2)));
    ExecutionException mismatch = assertThrows(ExecutionException.class, () -> ask(Addresses.GET, new JsonObject().put("objectId", wrong.getString("objectId"))));
    assertEquals(ErrorCode.ARGUMENT_MISMATCH.code, ((ReplyException) mismatch.getCause()).failureCode());
  }

  @Test
  @Order(5)
  void severalReturnsAreRebuiltTogetherAfterTheirNodeIsKilled() throws Exception {
    List<ObjectRef<Object>> parts = ember.task(TestFns::parts, 12L).numReturns(3).remoteMany();
    assertEquals(ObjectId.of(ObjectId.parse(parts.get(0).id()).task(), 3).toString(), parts.get(2).id());
    String ranOn = (String) parts.get(2).get(Duration.ofSeconds(20));
    assertEquals(12L, parts.get(0).get(Duration.ofSeconds(10)));
    String victim = Path.of(ranOn).getFileName().toString().replace(".json", "");
    TaskId task = ObjectId.parse(parts.get(0).id()).task();
    ObjectRef<Long> doomed = ember.task(TestFns::block, 60_000).resource("node:" + victim, 1).remote();
    poll("running on " + victim, Duration.ofSeconds(20), () -> state(doomed) == TaskState.RUNNING);
    cluster.kill(victim);
    assertTrue(ember.cancel(doomed), "cancelled while its node is dead but not declared yet");
    poll(victim + " declared dead", Duration.ofSeconds(15), () -> {
      try {
        return "DEAD".equals(cluster.stateOf(victim));
      } catch (Exception e) {
        return false;
      }
    });
    WaitResult<Object> after = ember.wait(parts, 3, Duration.ofSeconds(30));
    assertEquals(3, after.ready().size(), "all three rebuilt after the kill");
    List<Object> again = ember.getAll(parts, Duration.ofSeconds(30));
    assertEquals(12L, again.get(0));
    assertEquals(144L, again.get(1), "never fetched before the kill: rebuilt with the others");
    assertNotEquals(ranOn, again.get(2), "ran again on a live node");
    // one re-run rebuilt all three; two when the victim was the driver's home (its claim went to the dead home, then the verdict's)
    int attempts = await(cluster.gcs().tasks().get(task)).attempts();
    assertTrue(attempts == 1 || attempts == 2, "re-runs: " + attempts);
    assertThrows(TaskCancelledException.class, () -> doomed.get(Duration.ofSeconds(5)));
    assertEquals(TaskState.LOST, state(doomed), "its node's death made it LOST");
    assertEquals(0, row(doomed).attempts(), "and the verdict did not re-run it");
  }
}
