package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorCreateSpec;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kill script ({@code actor-kill.lua}) and the name script ({@code actor-name.lua}) against a
 * real redis-server: a killed actor is DEAD "killed", in no set that recreates it, with no log,
 * checkpoint or name left, and a later node death does not bring it back; a name is held only by
 * a live actor (or one being constructed on a live node).
 */
@ExtendWith(VertxExtension.class)
class ActorKillTableTest {
  static final TaskId DRIVER = TaskId.driverOf(JobId.named("kills"));

  static ActorId actor(int i) {
    return ActorId.of(TaskId.child(DRIVER, i));
  }

  static ActorCreateSpec spec(ActorId a, String name) {
    return new ActorCreateSpec(a, "x.Counter", List.of(), Map.of(), -1, 0, 0, new ClientId("owner"), name);
  }

  @Test
  void aKilledActorIsDeadWithNothingLeftAndANodeDeathDoesNotRestoreIt(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("kills");
    try (RedisProcess redis = GcsTesting.startRedis(dir, RedisProcess.freePort())) {
      Gcs gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      ActorTable table = gcs.actors();
      NodeId a = new NodeId("a");
      NodeId b = new NodeId("b");
      TableWriter wa = gcs.writer(a, await(gcs.nodes().register(a, Map.of("host", "h", "resources", "{\"cpu\":2}"))));
      long eb = await(gcs.nodes().register(b, Map.of("host", "h", "resources", "{\"cpu\":2}")));
      ActorId killed = actor(0);
      ActorId kept = actor(1);
      assertNull(await(table.claimName("counter-a", killed, a)));
      await(wa.actorCreated(spec(killed, "counter-a"), "{}", ActorState.ALIVE, null));
      await(wa.actorCreated(spec(kept, ""), "{}", ActorState.ALIVE, null));
      for (int i = 0; i < 5; i++) wa.actorAppend(killed, 1, i, new byte[] {(byte) i});
      await(wa.actorCheckpoint(killed, 1, 5, 2, new byte[] {5}));

      ActorTable.Killed k = await(table.kill(killed, "killed", 7));
      assertEquals(new ActorTable.Killed(ActorState.ALIVE, "a"), k);
      ActorTable.Row row = await(table.row(killed));
      assertEquals(ActorState.DEAD, row.state());
      assertEquals("killed", row.error());
      for (String key : List.of(Keys.actorLog(killed), Keys.actorCheckpoints(killed), Keys.actorName("counter-a"), Keys.nameOf(killed))) {
        assertEquals(0L, await(gcs.redisForTests().send(Request.cmd(Command.EXISTS).arg(key))).toLong(), key);
      }
      assertEquals(List.of(kept), await(table.actorsOf(a)));
      Map<String, Long> counts = await(gcs.counts());
      assertEquals(1L, counts.get("actor.ALIVE"));
      assertEquals(1L, counts.get("actor.DEAD"));
      // its node's last log write (a call that was running) is refused: nothing comes back
      assertTrue(GcsTesting.failure(wa.actorAppend(killed, 1, 5, new byte[] {5})) != null);
      assertEquals(0L, await(gcs.redisForTests().send(Request.cmd(Command.EXISTS).arg(Keys.actorLog(killed)))).toLong());
      // killing twice is killing once
      assertEquals(new ActorTable.Killed(ActorState.DEAD, "a"), await(table.kill(killed, "killed", 8)));
      assertEquals(1L, await(gcs.counts()).get("actor.DEAD"));
      assertNull(await(table.kill(actor(9), "killed", 9)));

      // node a dies: the live actor is recreated, the killed one is not
      long term = await(gcs.lease().acquire(b, eb, 10_000));
      var verdict = await(gcs.deaths().declareDead(b, term, a, "test", 10));
      assertEquals(1, verdict.getJsonArray("actors").size());
      assertEquals(kept.toString(), verdict.getJsonArray("actors").getJsonArray(0).getString(0));
      assertEquals(ActorState.DEAD, await(table.row(killed)).state());
      assertEquals(List.of(), await(table.actorsOf(b)).stream().filter(killed::equals).toList());
      await(gcs.close());
    }
  }

  @Test
  void aNameIsHeldOnlyWhileItsActorLivesOrIsBeingBuiltOnALiveNode(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("names");
    try (RedisProcess redis = GcsTesting.startRedis(dir, RedisProcess.freePort())) {
      Gcs gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      ActorTable table = gcs.actors();
      NodeId a = new NodeId("a");
      TableWriter wa = gcs.writer(a, await(gcs.nodes().register(a, Map.of("host", "h"))));
      // claimed, no row yet (constructor running on live node a): held, and claiming again is idempotent
      assertNull(await(table.claimName("n", actor(0), a)));
      assertEquals(actor(0), await(table.named("n")));
      assertNull(await(table.claimName("n", actor(0), a)));
      assertEquals(actor(0), await(table.claimName("n", actor(1), a)));
      // ALIVE: held
      await(wa.actorCreated(spec(actor(0), "n"), "{}", ActorState.ALIVE, null));
      assertEquals(actor(0), await(table.claimName("n", actor(1), a)));
      // killed: free, and the next actor takes it
      await(table.kill(actor(0), "killed", 1));
      assertNull(await(table.named("n")));
      assertNull(await(table.claimName("n", actor(1), a)));
      assertEquals(actor(1), await(table.named("n")));
      // its constructor threw (row DEAD): free
      await(wa.actorCreated(spec(actor(1), "n"), "{}", ActorState.DEAD, "its constructor threw"));
      assertNull(await(table.named("n")));
      // claimed by a node that died before the row was written: free
      assertNull(await(table.claimName("m", actor(2), new NodeId("gone"))));
      assertNull(await(table.named("m")));
      assertNull(await(table.claimName("m", actor(3), a)));
      assertFalse(await(table.named("m")) == null);
      assertNull(await(table.named("never")));
      await(gcs.close());
    }
  }
}
