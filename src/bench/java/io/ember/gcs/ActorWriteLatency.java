package io.ember.gcs;

import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorCreateSpec;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Not a test: the sequential latency (p50/p90/p99) of one actor log append, with its object row,
 * through the table writer to a real redis-server: a floor for sync actor calls.
 * Run: {@code mvn -q test-compile exec:exec@actor-write-latency -Dbench.args="20000"}; args
 * {@code [appends] [noobj]} (default 20000; {@code noobj} appends without the object row).
 */
public final class ActorWriteLatency {
  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisProcess redis = RedisProcess.start(RedisProcess.binary(null), "127.0.0.1", RedisProcess.freePort(), Files.createTempDirectory("awl"))) {
      Gcs gcs = GcsTesting.await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
      NodeId a = new NodeId("a");
      TableWriter w = gcs.writer(a, GcsTesting.await(gcs.nodes().register(a, Map.of("host", "h"))));
      ActorId actor = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("lat")), 0));
      GcsTesting.await(w.actorCreated(new ActorCreateSpec(actor, "x", List.of(), Map.of(), -1, 0, 0, new ClientId("o")), "{}", ActorState.ALIVE, null));
      int n = Integer.parseInt(args.length > 0 ? args[0] : "20000");
      boolean withObject = args.length < 2 || !args[1].equals("noobj");
      long[] lat = new long[n];
      byte[] entry = new byte[80];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        var done = withObject ? w.actorAppend(actor, 1, i, entry, TaskId.child(actor.task(), i), 5) : w.actorAppend(actor, 1, i, entry);
        done.toCompletionStage().toCompletableFuture().get();
        lat[i] = System.nanoTime() - t0;
      }
      Arrays.sort(lat);
      System.out.printf("append%s: p50 %.3f ms p90 %.3f ms p99 %.3f ms%n", withObject ? "+object" : "", lat[n / 2] / 1e6, lat[n * 9 / 10] / 1e6, lat[n * 99 / 100] / 1e6);
      GcsTesting.await(gcs.close());
    } finally {
      vertx.close();
    }
  }
}
