package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.holdsFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ObjectRef;
import io.ember.conf.EmberConf;
import io.ember.gcs.RedisEndpoint;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.node.HazelcastSetup;
import io.ember.node.Ports;
import io.ember.object.TransferClient;
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.ember.protocol.NodeDeath;
import io.ember.protocol.TaskDone;
import io.ember.security.ClusterSecret;
import io.ember.security.ClusterSecurity;
import io.ember.security.ClusterTls;
import io.ember.serial.Values;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestFns;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 item 2: processes that join the Hazelcast cluster with its name and members but
 * without the cluster secret (one with no TLS at all, one with TLS from another secret) are
 * refused everything Ember serves: submit, get and put requests fail; a forged verdict, a forged
 * completion and any other message never reach a member; they receive none of the members'
 * messages; the transfer port serves them no object; Redis refuses them. Meanwhile the cluster
 * stays intact: the node stays ALIVE and the driver's task completes with its real value.
 */
@Timeout(120)
class IntruderTest {
  private static final String PROBE = "ember.test.probe";

  LocalCluster cluster;
  final List<Vertx> intruders = new ArrayList<>();

  @AfterEach
  void down() throws Exception {
    for (Vertx v : intruders) await(v.close().recover(e -> Future.succeededFuture()));
    if (cluster != null) cluster.close();
  }

  @Test
  void aMemberWithoutTheSecretCanNeitherSendNorReceiveNorReadAnObjectNorTalkToRedis() throws Exception {
    int transferPort = Ports.freeRange(1);
    cluster = LocalCluster.startWithTls(1, c -> c.put("objects", new JsonObject().put("transferPort", transferPort)));
    NodeId n0 = cluster.nodeIdOf("n0");
    byte[] input = new byte[200_000];
    for (int i = 0; i < input.length; i++) input[i] = (byte) i;
    ObjectRef<byte[]> big = cluster.client().task(TestFns::mix, input, 7).resource("node:n0", 0.001).remote();
    byte[] expected = big.get(Duration.ofSeconds(30));   // 200 KB: kept on n0, served by its transfer port

    AtomicInteger probed = new AtomicInteger();
    cluster.vertx().eventBus().consumer(PROBE, m -> probed.incrementAndGet());
    AtomicInteger overheard = new AtomicInteger();
    EmberConf conf = EmberConf.from("intruder", cluster.baseConf("intruder"));
    ClusterTls wrong = ClusterTls.derive(ClusterSecret.of("not-the-cluster-secret-at-all", "intruder"));
    intruders.add(await(intruder(conf, null)));
    intruders.add(await(intruder(conf, wrong)));
    for (Vertx v : intruders) {
      Codecs.register(v.eventBus());
      v.eventBus().consumer(Addresses.HEARTBEAT, m -> overheard.incrementAndGet()); // the nodes publish here every 100 ms
    }

    ObjectRef<Long> slow = cluster.client().task(TestFns::addSlow, 2L, 3L, 2500).remote();
    ObjectId slowId = ObjectId.parse(slow.id());
    DeliveryOptions soon = new DeliveryOptions().setSendTimeout(3_000);
    List<Future<?>> asks = new ArrayList<>();
    for (Vertx v : intruders) {
      var bus = v.eventBus();
      asks.add(refused(bus.request(Addresses.SUBMIT, new JsonObject().put("function", "io.ember.testing.TestFns.spin")
          .put("args", new JsonArray().add(1)), soon)));
      asks.add(refused(bus.request(Addresses.GET, new JsonObject().put("objectId", big.id()).put("timeoutMs", 1000), soon)));
      asks.add(refused(bus.request(Addresses.PUT, new JsonObject().put("value", "planted"), soon)));
      bus.publish(Addresses.NODE_DEAD, new NodeDeath(n0, "forged", System.currentTimeMillis(), n0, List.of(), List.of(), List.of()));
      Buffer lie = Values.encode(-1L);
      bus.send(Addresses.clientInbox(cluster.client().id()),
          TaskDone.ok(slowId.task(), n0, "127.0.0.1", 1, lie.length(), lie));
      bus.send(PROBE, "from an intruder");
    }
    for (Future<?> f : asks) await(f);

    // the transfer port: neither intruder's connection gets an object; the driver's does
    for (ClusterTls tls : new ClusterTls[] {null, wrong}) {
      TransferClient stranger = new TransferClient(intruders.get(0), Long.MAX_VALUE, tls);
      await(refused(stranger.fetch("127.0.0.1", transferPort, ObjectId.parse(big.id()))));
      await(stranger.close());
    }
    TransferClient member = new TransferClient(cluster.vertx(), Long.MAX_VALUE, ClusterSecurity.joinedTls());
    Buffer served = await(member.fetch("127.0.0.1", transferPort, ObjectId.parse(big.id())));
    assertArrayEquals(expected, (byte[]) Values.decode(served));
    await(member.close());

    // Redis: without the password, or with another, nothing is read or written
    int port = cluster.redis().port();
    for (String pw : new String[] {null, "not-the-password"}) {
      Redis client = Redis.createClient(intruders.get(0), RedisEndpoint.standalone("127.0.0.1", port).withPassword(pw).options());
      Throwable e = await(client.send(Request.cmd(Command.SET).arg("ember:planted").arg("1"))
          .transform(ar -> Future.succeededFuture(ar.succeeded() ? new AssertionError("Redis took a write") : ar.cause())));
      client.close();
      String text = String.valueOf(e.getMessage());
      assertTrue(text.contains("NOAUTH") || text.contains("WRONGPASS") || text.contains("invalid"), text);
    }
    Redis owner = Redis.createClient(cluster.vertx(),
        RedisEndpoint.standalone("127.0.0.1", port).withPassword(cluster.redisPassword()).options());
    assertEquals(0, await(owner.send(Request.cmd(Command.EXISTS).arg("ember:planted"))).toInteger(), "nothing planted in Redis");
    owner.close();

    // the cluster is intact: the real result, the node alive, nothing planted, nothing received
    assertEquals(5L, slow.get(Duration.ofSeconds(30)));
    holdsFor("n0 stays ALIVE", Duration.ofSeconds(1), () -> state("n0").equals("ALIVE"));
    assertEquals(0, probed.get(), "a message of an intruder reached the driver");
    assertEquals(0, overheard.get(), "an intruder received the nodes' heartbeats");
    assertEquals(7L + 9L, cluster.client().task(TestFns::addSlow, 7L, 9L, 0).resource("node:n0", 0.001).remote()
        .get(Duration.ofSeconds(30)));
    cluster.vertx().eventBus().send(PROBE, "from a member");
    LocalCluster.poll("a member's message arrives", Duration.ofSeconds(5), () -> probed.get() == 1);
  }

  /** A clustered Vert.x with the cluster's name and members, and {@code tls} (null: none) on its event bus. */
  private static Future<Vertx> intruder(EmberConf conf, ClusterTls tls) {
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    if (tls != null) tls.applyTo(options.getEventBusOptions());
    return Vertx.builder().with(options).withClusterManager(HazelcastSetup.clusterManager(conf.cluster())).buildClustered();
  }

  /** Succeeds if {@code f} fails (the refusal), fails if it succeeds. */
  private static Future<Void> refused(Future<?> f) {
    return f.transform(ar -> ar.succeeded()
        ? Future.failedFuture(new AssertionError("an intruder was served: " + ar.result()))
        : Future.succeededFuture());
  }

  private String state(String name) {
    try {
      return cluster.stateOf(name);
    } catch (Exception e) {
      return "unknown: " + e;
    }
  }
}
