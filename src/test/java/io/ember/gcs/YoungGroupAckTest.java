package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Ember Redis group's first primary runs alone until the other members join: with
 * {@code redis.minReplicaAcks} 1 its writes count on the primary's reply until the primary holds
 * {@link Keys#GROUP_ACKS} (set by the group's supervisor once the replicas are in touch), and
 * only once a replica has them from then on. A real primary and replica; the replica frozen
 * throughout the first part stands for "no replica yet".
 */
@ExtendWith(VertxExtension.class)
class YoungGroupAckTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void writesAndClaimsCountOnThePrimaryUntilTheGroupHasItsReplicasThenWaitForThem(Vertx vertx) throws Exception {
    try (ReplicaPair pair = ReplicaPair.start(vertx, dir)) {
      Gcs g = await(Gcs.connect(vertx, "127.0.0.1", pair.primary.port())).requireReplicaAcks(1, true);
      try {
        pair.signalReplica("STOP");
        NodeId n = new NodeId("node-young-group");
        TableWriter w = g.writer(n, await(g.nodes().register(n, Map.of())));
        w.recovery(new JsonObject().put("seq", 0));
        await(w.flush(), LONG);   // no replica answers, and none is asked
        TaskId t1 = TaskId.child(TaskId.driverOf(JobId.named("young")), 1);
        TaskId t2 = TaskId.child(TaskId.driverOf(JobId.named("young")), 2);
        w.taskSubmitted(t1, new byte[] {1}, JobId.named("young"), "f", ClientId.ofNode(n));
        w.taskSubmitted(t2, new byte[] {1}, JobId.named("young"), "f", ClientId.ofNode(n));
        await(w.flush(), LONG);
        await(g.tasks().claim(t1, ClientId.ofNode(n), n, 3, "test", System.currentTimeMillis()), LONG);

        await(g.redisForTests().send(Request.cmd(Command.SET).arg(Keys.GROUP_ACKS).arg(1)));   // the group has grown
        w.recovery(new JsonObject().put("seq", 1));
        Future<Void> flushed = w.flush();
        Future<Claim> claim = g.tasks().claim(t2, ClientId.ofNode(n), n, 3, "test", System.currentTimeMillis());
        await(vertx.timer(1_500));
        assertFalse(flushed.isComplete(), "a write does not count while the grown group's replica is frozen");
        assertFalse(claim.isComplete(), "nor does a claim");
        pair.signalReplica("CONT");
        await(flushed, LONG);
        await(claim, LONG);
        assertEquals(2L, await(g.redisForTests().send(Request.cmd(Command.LLEN).arg(Keys.RECOVERIES))).toLong());
      } finally {
        await(g.close());
      }
    }
  }
}
