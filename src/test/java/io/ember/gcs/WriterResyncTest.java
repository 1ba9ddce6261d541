package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The writer against a real Redis that loses its tables: a batch refused RESYNC asks once, the
 * held writes land under the new epoch after the re-published rows, the epoch counter never goes
 * back, and a node whose death a peer wrote back is refused (-1) rather than brought back.
 */
class WriterResyncTest extends RealRedis {
  private static final NodeId A = new NodeId("resync-a");
  private static final NodeId B = new NodeId("resync-b");

  private void flushAll() throws Exception {
    await(gcs.redisForTests().send(Request.cmd(Command.FLUSHALL)));
  }

  @Test
  void aFlushedRedisIsResyncedOnceAndTheHeldWritesLandUnderTheNewEpoch() throws Exception {
    long e1 = await(gcs.nodes().register(A, Map.of("host", "h")));
    TableWriter w = gcs.writer(A, e1);
    List<ResyncAsk> asks = new CopyOnWriteArrayList<>();
    ObjectId held = ObjectId.parse(TaskId.child(TaskId.driverOf(JobId.named("r")), 1) + ".1");
    w.onResync(ask -> {
      asks.add(ask);
      return gcs.nodes().resync(A, ask.epoch(), 0, 0, Map.of(), Map.of("host", "h"))
          .map(e -> new Republish(e, A).object(held, 42));
    });
    w.heartbeat(1, "{}");
    await(w.flush());
    flushAll();
    TaskId t = TaskId.child(TaskId.driverOf(JobId.named("r")), 2);
    w.taskSubmitted(t, new byte[] {1}, JobId.named("r"), "f", ClientId.ofNode(A));
    await(w.flush());
    assertEquals(1, asks.size(), asks.toString());
    assertTrue(w.epoch() > e1, "new epoch " + w.epoch() + " after " + e1);
    assertEquals(TaskState.PENDING, await(gcs.tasks().get(t)).state());
    assertTrue(await(GcsTesting.locations(gcs, held)).contains(A));
    NodeRecord row = await(gcs.nodes().all()).get(0);
    assertEquals(w.epoch(), row.epoch());
    assertEquals(NodeState.ALIVE, row.state());
    // the counter went on from the known epoch: a node registering now gets a higher one
    assertTrue(await(gcs.nodes().register(B, Map.of())) > w.epoch());
  }

  /**
   * A Redis that comes back behind (as from an append-only file that lost its tail): it still holds
   * the node's row at the current epoch, but not the writes acknowledged since. The next batch is
   * answered RESYNC (the row's batch number is below what the writer had acknowledged), the node
   * resyncs once, and what it re-publishes lands again.
   */
  @Test
  void aRedisBehindThatStillHoldsTheRowAtThisEpochIsResyncedToo() throws Exception {
    long e1 = await(gcs.nodes().register(A, Map.of("host", "h")));
    TableWriter w = gcs.writer(A, e1);
    List<ResyncAsk> asks = new CopyOnWriteArrayList<>();
    ObjectId lost = ObjectId.parse(TaskId.child(TaskId.driverOf(JobId.named("b")), 1) + ".1");
    w.onResync(ask -> {
      asks.add(ask);
      return gcs.nodes().resync(A, ask.epoch(), 0, 0, Map.of(), Map.of("host", "h")).map(e -> new Republish(e, A).object(lost, 7));
    });
    w.heartbeat(1, "{}");
    await(w.flush());
    Map<String, Buffer> before = snapshot();
    w.objectCreated(lost, 7, TaskId.child(TaskId.driverOf(JobId.named("b")), 1), "task", A);
    await(w.flush());
    restore(before);   // Redis lost the last acknowledged batch; the row is still ALIVE at e1
    assertEquals(e1, await(gcs.nodes().all()).get(0).epoch());
    w.heartbeat(2, "{}");
    await(w.flush());
    assertEquals(1, asks.size(), "asked to resync: " + asks);
    assertTrue(asks.get(0).reason().contains("lost writes"), asks.get(0).reason());
    assertTrue(w.epoch() > e1, "new epoch " + w.epoch() + " after " + e1);
    assertTrue(await(GcsTesting.locations(gcs, lost)).contains(A), "the object's location re-published");
    // and then it goes on without asking again
    w.heartbeat(3, "{}");
    await(w.flush());
    assertEquals(1, asks.size(), asks.toString());
  }

  private Map<String, Buffer> snapshot() throws Exception {
    Map<String, Buffer> out = new HashMap<>();
    for (var key : await(gcs.redisForTests().send(Request.cmd(Command.KEYS).arg("*")))) {
      out.put(key.toString(), await(gcs.redisForTests().send(Request.cmd(Command.DUMP).arg(key.toString()))).toBuffer());
    }
    return out;
  }

  private void restore(Map<String, Buffer> keys) throws Exception {
    flushAll();
    for (var e : keys.entrySet()) {
      await(gcs.redisForTests().send(Request.cmd(Command.RESTORE).arg(e.getKey()).arg(0).arg(e.getValue())));
    }
  }

  @Test
  void aZombieWhoseDeathAPeerWroteBackIsRefused() throws Exception {
    long ea = await(gcs.nodes().register(A, Map.of()));
    long eb = await(gcs.nodes().register(B, Map.of()));
    flushAll();
    // B resyncs first and writes back A's death it heard of
    assertTrue(await(gcs.nodes().resync(B, eb, ea, 0, Map.of(A, ea), Map.of())) > eb);
    assertEquals(-1L, await(gcs.nodes().resync(A, ea, eb, 0, Map.of(), Map.of())));
  }

  @Test
  void aResyncRefusedByTheNodeFencesTheWriter() throws Exception {
    long e1 = await(gcs.nodes().register(A, Map.of()));
    TableWriter w = gcs.writer(A, e1);
    Promise<String> fenced = Promise.promise();
    w.onFenced(fenced::tryComplete);
    w.onResync(ask -> Future.failedFuture(new EmberException(ErrorCode.FENCED, "cannot prove it was current")));
    w.heartbeat(1, "{}");
    await(w.flush());
    flushAll();
    w.heartbeat(2, "{}");
    assertTrue(await(fenced.future()).contains("cannot prove"));
    assertTrue(w.fenced());
    assertTrue(await(gcs.nodes().all()).isEmpty(), "nothing written after the refusal");
  }
}
