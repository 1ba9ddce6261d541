package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Test fixture: a real primary (as an embedded head starts it) and one real replica of it
 * ({@code redis-server --replicaof}, the bundled binary), on loopback. A failover is simulated
 * the way Sentinel does it: the primary is killed, the replica told {@code REPLICAOF NO ONE}.
 */
final class ReplicaPair implements AutoCloseable {
  final RedisProcess primary;
  final Process replica;
  final int replicaPort;
  private final Redis replicaClient;

  private ReplicaPair(RedisProcess primary, Process replica, int replicaPort, Redis replicaClient) {
    this.primary = primary;
    this.replica = replica;
    this.replicaPort = replicaPort;
    this.replicaClient = replicaClient;
  }

  /** Starts both and waits (polling, with a deadline) until the replica's link to the primary is up. */
  static ReplicaPair start(Vertx vertx, Path dir) throws Exception {
    RedisProcess primary = GcsTesting.startRedis(Files.createDirectories(dir.resolve("primary")), RedisProcess.freePort());
    int port = RedisProcess.freePort();
    Path rdir = Files.createDirectories(dir.resolve("replica"));
    Process replica = new ProcessBuilder(RedisProcess.binary(null).toString(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--replicaof", "127.0.0.1", Integer.toString(primary.port()), "--save", "",
        "--appendonly", "no", "--dir", rdir.toString(), "--protected-mode", "no")
        .redirectErrorStream(true).redirectOutput(rdir.resolve("redis.out").toFile()).start();
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port));
    ReplicaPair pair = new ReplicaPair(primary, replica, port, client);
    GcsTesting.eventually(vertx, Duration.ofSeconds(20), "the replica is in sync with the primary",
        () -> pair.replication().map(info -> info.contains("master_link_status:up")).otherwise(false));
    return pair;
  }

  Future<String> replication() {
    return replicaClient.send(Request.cmd(Command.INFO).arg("replication")).map(Object::toString);
  }

  /** The failover as Sentinel would do it, once the primary is gone: the replica becomes a primary. */
  void promoteReplica() throws Exception {
    await(replicaClient.send(Request.cmd(Command.REPLICAOF).arg("NO").arg("ONE")));
  }

  void signalReplica(String sig) throws Exception {
    WriterOutageTest.signal(sig, replica.pid());
  }

  @Override
  public void close() throws Exception {
    signalReplica("CONT");
    replicaClient.close();
    replica.destroyForcibly().waitFor();
    primary.kill();
  }
}
