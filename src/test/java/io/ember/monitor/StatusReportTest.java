package io.ember.monitor;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.gcs.GcsTesting;
import io.ember.gcs.LedgerEntry;
import io.ember.gcs.NodeRecord;
import io.ember.gcs.RealRedis;
import io.ember.gcs.TableWriter;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The status document against a real Redis: heartbeat ages, loads of nodes that are not alive, how much of the ledger it shows. */
class StatusReportTest extends RealRedis {
  private static final NodeId A = new NodeId("a");
  private static final NodeId B = new NodeId("b");
  private static final NodeId LEADER = new NodeId("c");

  private static TableWriter nodeWithLoad(NodeId id, long heartbeatAt, String load) throws Exception {
    TableWriter w = gcs.writer(id, await(gcs.nodes().register(id, Map.of())));
    w.heartbeat(heartbeatAt, load);
    await(w.flush());
    return w;
  }

  private static JsonObject node(JsonObject status, NodeId id) {
    return status.getJsonArray("nodes").stream().map(JsonObject.class::cast)
        .filter(n -> n.getString("id").equals(id.value())).findFirst().orElseThrow();
  }

  @Test
  void aHeartbeatStampedAfterTheReaderLookedAtItsClockShowsNoNegativeAge() throws Exception {
    // a heartbeat that lands while status reads, or from a node whose clock runs ahead of Redis's
    nodeWithLoad(A, System.currentTimeMillis() + 5_000, "{}");
    assertEquals(0L, node(await(StatusReport.build(gcs, 0)), A).getLong("heartbeatAgeMs"));
  }

  @Test
  void aHeartbeatIsAgedOnRedisClock() throws Exception {
    nodeWithLoad(A, await(gcs.redisTimeMillis()) - 3_000, "{}");
    long age = node(await(StatusReport.build(gcs, 0)), A).getLong("heartbeatAgeMs");
    assertTrue(age >= 3_000 && age < 13_000, "age " + age);
  }

  @Test
  void aNodeDeclaredDeadKeepsNoLoadInItsRow() throws Exception {
    nodeWithLoad(A, System.currentTimeMillis(), "{\"busy\":2,\"queued\":262}");
    long term = await(gcs.lease().acquire(LEADER, await(gcs.nodes().register(LEADER, Map.of())), 10_000));
    await(gcs.deaths().declareDead(LEADER, term, A, "no heartbeat for 1300 ms", 1_000));
    NodeRecord row = await(gcs.nodes().all()).stream().filter(n -> n.id().equals(A)).findFirst().orElseThrow();
    assertNull(row.fields().get("load"), "a dead node's row keeps no load: " + row.fields());
  }

  @Test
  void statusShowsALoadOnlyForANodeThatIsAlive() throws Exception {
    nodeWithLoad(A, System.currentTimeMillis(), "{\"busy\":2,\"queued\":262}");
    nodeWithLoad(B, System.currentTimeMillis(), "{\"busy\":1,\"queued\":0}");
    await(GcsTesting.markNodeDead(gcs, A, "a row from before dead rows dropped their load"));
    JsonObject status = await(StatusReport.build(gcs, 0));
    assertNull(node(status, A).getValue("load"));
    assertEquals(1, node(status, B).getJsonObject("load").getInteger("busy"));
    assertTrue(StatusReport.render(status).lines().filter(l -> l.startsWith("a ")).noneMatch(l -> l.contains("262")));
  }

  @Test
  void statusSaysHowManyLedgerEntriesItShowsOutOfHowMany() throws Exception {
    TaskId driver = TaskId.driverOf(JobId.named("status"));
    for (int i = 0; i < 60; i++) await(gcs.ledger().append(new LedgerEntry.Leader(A, i, i)));
    for (int i = 0; i < 70; i++) {
      await(gcs.ledger().append(new LedgerEntry.TaskResubmitted(TaskId.child(driver, i), "f", 1, new ClientId("c-1"), "node a died", 100 + i)));
    }
    JsonObject s = await(StatusReport.build(gcs, StatusReport.DEFAULT_RECOVERIES));
    assertEquals(100, s.getJsonArray("recoveries").size(), "the newest 50 of each list");
    assertEquals(100, s.getInteger("recoveriesShown"));
    assertEquals(130, s.getInteger("recoveriesTotal"));
    assertTrue(StatusReport.render(s).contains("the newest 100 of 130"), StatusReport.render(s));
    JsonObject all = await(StatusReport.build(gcs, 70));
    assertEquals(130, all.getInteger("recoveriesShown"));
    assertEquals(130, all.getJsonArray("recoveries").size());
    String none = StatusReport.render(await(StatusReport.build(gcs, 0)));
    assertTrue(none.contains("recent recoveries: none (the newest 0 of 130 "), none);
  }

  @Test
  void aRecoveriesFieldThatIsNotAnIntegerOfAtLeastZeroIsABadRequest() {
    for (Object bad : List.of("ten", -1, 1.5, true)) {
      EmberException e = assertThrows(EmberException.class, () -> StatusEndpoint.recoveriesAsked(new JsonObject().put("recoveries", bad)));
      assertEquals(ErrorCode.BAD_REQUEST, e.code(), String.valueOf(bad));
    }
    assertEquals(7, StatusEndpoint.recoveriesAsked(new JsonObject().put("recoveries", 7)));
    assertEquals(StatusReport.DEFAULT_RECOVERIES, StatusEndpoint.recoveriesAsked(new JsonObject()));
  }

  @Test
  void theEndpointAnswersABadRecoveriesFieldWithBadRequestAndAGoodOneWithThatMany(Vertx vertx) throws Exception {
    StatusEndpoint endpoint = new StatusEndpoint(A, gcs);
    await(vertx.eventBus().<Object>consumer(Addresses.STATUS, endpoint::handle).completion());
    for (int i = 0; i < 3; i++) await(gcs.ledger().append(new LedgerEntry.Leader(A, i, i)));
    ExecutionException e = assertThrows(ExecutionException.class, () -> vertx.eventBus().request(Addresses.STATUS,
        new JsonObject().put("recoveries", "all")).toCompletionStage().toCompletableFuture().get());
    assertEquals(ErrorCode.BAD_REQUEST.code, assertInstanceOf(ReplyException.class, e.getCause()).failureCode());
    JsonObject two = await(vertx.eventBus().<JsonObject>request(Addresses.STATUS, new JsonObject().put("recoveries", 2)).map(Message::body));
    assertEquals(2, two.getInteger("recoveriesShown"));
    assertEquals(3, two.getInteger("recoveriesTotal"));
  }
}
