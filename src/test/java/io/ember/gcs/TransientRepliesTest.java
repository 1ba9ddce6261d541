package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static io.ember.gcs.GcsTesting.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.node.RedisWait;
import io.ember.testing.LocalCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis refusing for a while (real redis-server processes): LOADING after a restart on its
 * append-only file, BUSY while a script runs past {@code lua-time-limit}, READONLY from a
 * replica. Reads and a starting node's wait see a delay and then an answer, or UNAVAILABLE
 * naming the endpoint and the reply at their deadline; never the raw reply (which callers
 * reported as INTERNAL).
 */
@ExtendWith(VertxExtension.class)
class TransientRepliesTest {
  private static final Logger LOG = Logger.getLogger(TransientRepliesTest.class.getName());
  private static final JobId JOB = JobId.named("transient-test");
  /**
   * Keys of 1,000 bytes loaded at 150 µs each: about 3 s of LOADING after a restart. Redis 6.2
   * answers clients while loading an RDB file only every 2 MB of data, so the keys are large
   * enough for that to happen every 0.3 s. (An append-only file's RDB preamble is loaded without
   * answering anyone: clients just wait; only its command tail, or an RDB file, gives LOADING.)
   */
  private static final int KEYS = 20_000;

  @TempDir
  Path dir;

  @Test
  void whileRedisLoadsItsDataReadsAndAStartingNodeWaitThenGetAnswers(Vertx vertx) throws Exception {
    int port = RedisProcess.freePort();
    RedisEndpoint endpoint = RedisEndpoint.standalone("127.0.0.1", port);
    // uncompressed: Redis counts the file's bytes, and DEBUG POPULATE's padded values compress to nothing
    List<String> rdb = List.of("--appendonly", "no", "--dbfilename", "dump.rdb", "--rdbcompression", "no");
    SentinelSet.Server first = SentinelSet.dataServer(dir, port, rdb);
    Gcs gcs = await(RedisWait.connect(vertx, Clock.systemUTC(), endpoint, 10_000));
    NodeId n = new NodeId("node-loading");
    TableWriter w = gcs.writer(n, await(gcs.nodes().register(n, Map.of())));
    TaskId t = TaskId.child(TaskId.driverOf(JOB), 1);
    w.taskSubmitted(t, new byte[] {1}, JOB, "f", ClientId.ofNode(n));
    await(w.flush());
    await(gcs.redisForTests().send(Request.cmd(Command.DEBUG).arg("POPULATE").arg(KEYS).arg("key").arg(1000)));
    await(gcs.redisForTests().send(Request.cmd(Command.SAVE)));
    first.stop();

    List<String> slowLoad = new ArrayList<>(rdb);
    slowLoad.addAll(List.of("--key-load-delay", "150"));
    SentinelSet.Server restarted = SentinelSet.dataServer(dir, port, slowLoad);
    try {
      Redis raw = Redis.createClient(vertx, endpoint.options());
      LocalCluster.poll("the restarted Redis answers LOADING", Duration.ofSeconds(10), () -> {
        try {
          await(raw.send(Request.cmd(Command.PING)));
          return false;
        } catch (Exception e) {
          return String.valueOf(e.getMessage()).contains("LOADING");
        }
      });
      long start = System.nanoTime();
      // shorter than the LOADING (about 4.5 s: the key-load delay is a sleep per key, not CPU), long enough for a
      // reply to come back even on a loaded machine (1.2 s once got none during the whole suite's run)
      Store shortWait = new Store(vertx, endpoint, 2_500);
      Future<TaskRecord> read = gcs.tasks().get(t);
      Future<Gcs> starting = RedisWait.connect(vertx, Clock.systemUTC(), endpoint, 30_000)
          .compose(g -> g.nodes().register(new NodeId("node-starting"), Map.of()).map(epoch -> g));

      EmberException refused = (EmberException) failure(shortWait.send(Request.cmd(Command.GET).arg("k")));
      assertEquals(ErrorCode.UNAVAILABLE, refused.code());
      assertTrue(refused.getMessage().contains("127.0.0.1:" + port) && refused.getMessage().contains("LOADING"),
          refused.getMessage());

      assertEquals(TaskState.PENDING, await(read, Duration.ofSeconds(15)).state());
      LOG.info("a read during LOADING was answered after " + (System.nanoTime() - start) / 1_000_000 + " ms");
      assertNotNull(await(starting, Duration.ofSeconds(30)), "a node starting during LOADING waits and registers");
      await(starting.result().close());
      await(shortWait.close());
      await(raw.close());
    } finally {
      await(gcs.close());
      restarted.stop();
    }
  }

  @Test
  void aReadWaitsOutAScriptThatKeepsRedisBusy(Vertx vertx) throws Exception {
    int port = RedisProcess.freePort();
    SentinelSet.Server redis = SentinelSet.dataServer(dir, port, List.of("--lua-time-limit", "100"));
    Gcs gcs = await(RedisWait.connect(vertx, Clock.systemUTC(), RedisEndpoint.standalone("127.0.0.1", port), 10_000));
    try {
      Redis raw = Redis.createClient(vertx, RedisEndpoint.standalone("127.0.0.1", port).options());
      // runs 1.5 s of Redis's time; past lua-time-limit every other client is answered BUSY
      Future<?> script = raw.send(Request.cmd(Command.EVAL).arg("local t = redis.call('TIME') while true do "
          + "local n = redis.call('TIME') if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 1500000 then return 1 end end").arg(0));
      Redis other = Redis.createClient(vertx, RedisEndpoint.standalone("127.0.0.1", port).options());
      LocalCluster.poll("Redis answers BUSY", Duration.ofSeconds(5), () -> {
        try {
          await(other.send(Request.cmd(Command.PING)));
          return false;
        } catch (Exception e) {
          return "BUSY".equals(RedisErrors.code(e));
        }
      });
      long start = System.nanoTime();
      assertEquals(0L, await(gcs.ledger().size()), "a read while BUSY is answered once the script ends");
      LOG.info("a read during BUSY was answered after " + (System.nanoTime() - start) / 1_000_000 + " ms");
      await(script);
      await(raw.close());
      await(other.close());
    } finally {
      await(gcs.close());
      redis.stop();
    }
  }

  @Test
  void aWriteInsideAScriptOnAReplicaIsClassifiedReadOnly(Vertx vertx) throws Exception {
    int primaryPort = RedisProcess.freePort();
    int replicaPort = RedisProcess.freePort();
    SentinelSet.Server primary = SentinelSet.dataServer(dir.resolve("p"), primaryPort, List.of());
    SentinelSet.Server replica = SentinelSet.dataServer(dir.resolve("r"), replicaPort,
        List.of("--replicaof", "127.0.0.1", Integer.toString(primaryPort)));
    Redis raw = Redis.createClient(vertx, RedisEndpoint.standalone("127.0.0.1", replicaPort).options());
    try {
      LocalCluster.poll("the replica answers", Duration.ofSeconds(10), () -> {
        try {
          return await(raw.send(Request.cmd(Command.PING))) != null;
        } catch (Exception e) {
          return false;
        }
      });
      Throwable plain = failure(raw.send(Request.cmd(Command.SET).arg("k").arg("v")));
      Throwable inScript = failure(raw.send(Request.cmd(Command.EVAL).arg("return redis.call('SET', 'k', 'v')").arg(0)));
      LOG.info("a replica refuses a write with: " + plain.getMessage() + " | inside a script: " + inScript.getMessage());
      assertEquals("READONLY", RedisErrors.code(plain));
      assertEquals("READONLY", RedisErrors.code(inScript));
      assertTrue(RedisErrors.isTransient(inScript));
    } finally {
      await(raw.close());
      replica.stop();
      primary.stop();
    }
  }

}
