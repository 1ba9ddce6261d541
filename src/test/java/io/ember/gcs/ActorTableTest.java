package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static io.ember.gcs.GcsTesting.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorCreateSpec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The actor tables against a real redis-server: the write script's actor ops (created, log
 * appends fenced by node and incarnation and idempotent on re-send, checkpoints that trim the
 * log) and the declare-dead script's recreation and restart budget.
 */
@ExtendWith(VertxExtension.class)
class ActorTableTest {
  static final ActorId ACTOR = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("actors")), 0));

  static ActorCreateSpec spec(int maxRestarts) {
    return new ActorCreateSpec(ACTOR, "x.Counter", List.of(), Map.of(), maxRestarts, 0, 0, new ClientId("owner"));
  }

  static byte[] entry(int i) {
    return new byte[] {(byte) i};
  }

  @Test
  void logIsFencedByIncarnationAndTrimmedByCheckpoints(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("actors");
    try (RedisProcess redis = GcsTesting.startRedis(dir, RedisProcess.freePort())) {
      Gcs gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      ActorTable table = gcs.actors();
      NodeId a = new NodeId("a");
      NodeId b = new NodeId("b");
      TableWriter wa = gcs.writer(a, await(gcs.nodes().register(a, Map.of("host", "h"))));
      TableWriter wb = gcs.writer(b, await(gcs.nodes().register(b, Map.of("host", "h"))));
      await(wa.actorCreated(spec(-1), "{}", ActorState.ALIVE, null));
      for (int i = 0; i < 10; i++) wa.actorAppend(ACTOR, 1, i, entry(i), TaskId.child(ACTOR.task(), i), 100 + i);
      await(wa.flush());
      // each call's output is recorded with the entry: where it is, and which call of which actor made it
      ObjectRecord out = await(gcs.objects().get(ObjectId.of(TaskId.child(ACTOR.task(), 3), 1)));
      assertEquals("actor:" + ACTOR + ":3", out.kind());
      assertEquals(103, out.size());
      assertEquals(Set.of(a), out.locations());
      assertEquals(10L, await(gcs.counts()).get("objects"));
      ActorTable.Load all = await(table.load(ACTOR, -1));
      assertEquals(10, all.entries().size());
      assertEquals(-1, all.checkpointPosition());
      // another node, or another incarnation, cannot add to the log
      EmberException moved = (EmberException) failure(wb.actorAppend(ACTOR, 1, 10, entry(10)));
      assertEquals(ErrorCode.ACTOR_MOVED, moved.code());
      moved = (EmberException) failure(wa.actorAppend(ACTOR, 2, 10, entry(10)));
      assertEquals(ErrorCode.ACTOR_MOVED, moved.code());
      // a gap is refused; an entry already there (a re-sent batch) is not appended twice
      assertEquals(ErrorCode.ACTOR_MOVED, ((EmberException) failure(wa.actorAppend(ACTOR, 1, 12, entry(12)))).code());
      await(wa.actorAppend(ACTOR, 1, 9, entry(9)));
      assertEquals(10, await(table.load(ACTOR, -1)).entries().size());
      // checkpoints at 4 and 8, two kept: the log keeps entries from 4
      await(wa.actorCheckpoint(ACTOR, 1, 4, 2, new byte[] {4}));
      await(wa.actorCheckpoint(ACTOR, 1, 8, 2, new byte[] {8}));
      assertEquals(4, await(table.row(ACTOR)).logBase());
      ActorTable.Load newest = await(table.load(ACTOR, -1));
      assertEquals(8, newest.checkpointPosition());
      assertEquals(8, newest.from());
      assertEquals(2, newest.entries().size());
      ActorTable.Load upTo5 = await(table.load(ACTOR, 5));
      assertEquals(4, upTo5.checkpointPosition());
      assertEquals(2, upTo5.entries().size()); // entries 4 and 5
      assertEquals(5, upTo5.entries().get(1).getByte(0));
      ActorTable.Load trimmed = await(table.load(ACTOR, 2));
      assertEquals(-1, trimmed.checkpointPosition());
      assertTrue(trimmed.entries().isEmpty()); // entry 2 is gone: it cannot be rebuilt
      await(wa.actorCheckpoint(ACTOR, 1, 10, 2, new byte[] {10}));
      assertEquals(8, await(table.row(ACTOR)).logBase());
      assertEquals(2L, await(gcs.redisForTests().send(Request.cmd(Command.HLEN).arg(Keys.actorCheckpoints(ACTOR)))).toLong());
      assertNull(await(table.row(ActorId.of(TaskId.child(ACTOR.task(), 9)))));
      await(gcs.close());
    }
  }

  @Test
  void summariesShowEachActorAndWhenItsNewestCheckpointWasTaken(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("actors");
    try (RedisProcess redis = GcsTesting.startRedis(dir, RedisProcess.freePort())) {
      Gcs gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      NodeId a = new NodeId("a");
      TableWriter wa = gcs.writer(a, await(gcs.nodes().register(a, Map.of("host", "h"))));
      await(wa.actorCreated(spec(-1), "{}", ActorState.ALIVE, null));
      ActorTable.Summaries before = await(gcs.actors().summaries(10));
      assertEquals(1, before.total());
      ActorTable.Summary s = before.shown().get(0);
      assertEquals(List.of(ACTOR, "x.Counter", "a", "ALIVE", 0, 1L, 0L), List.of(s.id(), s.className(), s.node(), s.state(),
          s.restarts(), s.incarnation(), s.checkpointAt()));
      long t0 = System.currentTimeMillis();
      await(wa.actorCheckpoint(ACTOR, 1, 0, 2, new byte[] {0}));
      long at = await(gcs.actors().summaries(10)).shown().get(0).checkpointAt();
      assertTrue(at >= t0 && at <= System.currentTimeMillis(), "checkpointAt " + at + " not taken at the checkpoint, after " + t0);
      assertEquals(0, await(gcs.actors().summaries(0)).shown().size());
      await(gcs.close());
    }
  }

  @Test
  void declareDeadRecreatesActorsElsewhereUntilTheBudgetIsSpent(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("actors");
    try (RedisProcess redis = GcsTesting.startRedis(dir, RedisProcess.freePort())) {
      Gcs gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      ActorTable table = gcs.actors();
      NodeId a = new NodeId("a");
      NodeId b = new NodeId("b");
      NodeId c = new NodeId("c");
      long ea = await(gcs.nodes().register(a, Map.of("host", "h", "resources", "{\"cpu\":2}")));
      long eb = await(gcs.nodes().register(b, Map.of("host", "h", "resources", "{\"cpu\":2}")));
      await(gcs.nodes().register(c, Map.of("host", "h", "resources", "{\"cpu\":2}")));
      TableWriter wa = gcs.writer(a, ea);
      await(wa.actorCreated(spec(1), "{}", ActorState.ALIVE, null));
      long term = await(gcs.lease().acquire(c, 3, 10_000));
      JsonObject v = await(gcs.deaths().declareDead(c, term, a, "test", 1));
      JsonArray moved = v.getJsonArray("actors");
      assertEquals(1, moved.size());
      String target = moved.getJsonArray(0).getString(1);
      assertTrue(target.equals("b") || target.equals("c"), target);
      ActorTable.Row row = await(table.row(ACTOR));
      assertEquals(ActorState.RESTARTING, row.state());
      assertEquals(2, row.incarnation());
      assertEquals(1, row.restarts());
      // the old incarnation is refused; the new one restores and appends
      assertEquals(ErrorCode.FENCED, ((EmberException) failure(wa.actorAppend(ACTOR, 1, 0, entry(0)))).code());
      NodeId t = new NodeId(target);
      TableWriter wt = gcs.writer(t, t.equals(b) ? eb : 3);
      await(wt.actorRestored(ACTOR, 2));
      await(wt.actorAppend(ACTOR, 2, 0, entry(0)));
      assertEquals(ActorState.ALIVE, await(table.row(ACTOR)).state());
      Map<String, Long> counts = await(gcs.counts());
      assertEquals(1L, counts.getOrDefault("actor.ALIVE", 0L));
      // second death: the budget (1) is spent
      JsonObject v2 = await(gcs.deaths().declareDead(c, term, t, "test again", 2));
      assertEquals(1, v2.getJsonArray("actorsDead").size());
      ActorTable.Row dead = await(table.row(ACTOR));
      assertEquals(ActorState.DEAD, dead.state());
      assertTrue(dead.error().contains("restart budget (1)"), dead.error());
      counts = await(gcs.counts());
      assertEquals(1L, counts.getOrDefault("actor.DEAD", 0L));
      assertEquals(0L, counts.getOrDefault("actor.ALIVE", 0L));
      await(gcs.close());
    }
  }
}
