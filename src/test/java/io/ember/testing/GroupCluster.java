package io.ember.testing;

import io.ember.gcs.Gcs;
import io.ember.gcs.GroupLink;
import io.ember.gcs.GroupProcesses;
import io.ember.gcs.Keys;
import io.ember.gcs.RedisEndpoint;
import io.ember.gcs.RedisGroup;
import io.ember.gcs.RedisGroup.Address;
import io.ember.node.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link LocalCluster} whose Redis is the embedded Redis group ({@code redis.replicas: 2}): a
 * head ({@code head}, member 0, the first primary) and two workers ({@code w1}, {@code w2}),
 * each running its member's detached redis-server and sentinel, on free ports (three
 * consecutive for the redis-servers, three for the sentinels). Asks the group's processes
 * through {@link GroupLink} (the Vert.x Redis client); {@link #close} stops the nodes, then
 * every group process (they outlive their nodes by design).
 */
public final class GroupCluster implements AutoCloseable {
  public static final int REPLICAS = 2;
  public final LocalCluster cluster;
  public final RedisGroup group;
  public final GroupLink link;

  private GroupCluster(LocalCluster cluster, RedisGroup group) {
    this.cluster = cluster;
    this.link = new GroupLink(500, cluster.redisPassword()); // the group's processes run with the cluster's password
    this.group = group;
  }

  /** Starts the head and both workers, waits until all three are ALIVE, joins as a driver. */
  public static GroupCluster start() throws Exception {
    int redisBase = Ports.freeRange(REPLICAS + 1);
    int sentinelBase = Ports.freeRange(REPLICAS + 1);
    List<String> sentinels = new ArrayList<>();
    for (int i = 0; i <= REPLICAS; i++) sentinels.add("127.0.0.1:" + (sentinelBase + i));
    RedisGroup group = RedisGroup.of("ember", "127.0.0.1", redisBase, REPLICAS, sentinels);
    GroupCluster g = new GroupCluster(LocalCluster.withoutRedis(REPLICAS + 1, redisBase), group);
    g.cluster.connectGcsWith(v -> Gcs.connect(v, g.endpoint()));
    try {
      g.startNode("head");
      g.cluster.awaitAlive(1, Duration.ofSeconds(60));
      g.startNode("w1");
      g.startNode("w2");
      g.cluster.awaitAlive(3, Duration.ofSeconds(90));
      g.cluster.joinAsDriver();
      // a grown group, as the README's cluster is seconds after its workers join: the primary holds
      // GROUP_ACKS (writes wait for a replica from now on), and every sentinel knows both replicas (a
      // sentinel reads the primary's INFO every 10 s: one that has not since the replicas joined finds
      // no replica to promote and tries again only after its 20 s failover timeout)
      LocalCluster.poll("a grown Redis group", Duration.ofSeconds(60), g::grown);
      return g;
    } catch (Exception | Error e) {
      g.close();
      throw e;
    }
  }

  /** Starts (or restarts) node {@code name}: {@code head} runs member 0, any other name a worker. */
  public LocalCluster.NodeProcess startNode(String name) throws IOException {
    return cluster.startNode(name, conf -> conf.put("redis", groupConf(name.equals("head"))));
  }

  private JsonObject groupConf(boolean head) {
    JsonArray sentinels = new JsonArray();
    group.sentinels().forEach(s -> sentinels.add(s.toString()));
    return new JsonObject().put("embedded", head).put("host", "127.0.0.1").put("port", group.members().get(0).redis().port())
        .put("replicas", REPLICAS).put("sentinels", sentinels);
  }

  /** How nodes (and this fixture) reach the group: through its sentinels. */
  public RedisEndpoint endpoint() {
    return RedisEndpoint.sentinel(group.sentinels().stream().map(Address::toString).toList(), group.masterName())
        .withPassword(cluster.redisPassword());
  }

  /** The conf file of a worker of this cluster (written by {@link #startNode}), e.g. for {@code status -conf}. */
  public java.nio.file.Path confOf(String name) {
    return cluster.dir().resolve(name + ".json");
  }

  /** The primary the sentinels name now, if any answers. */
  public Optional<Address> primary() {
    return link.master(group.sentinels(), group.masterName());
  }

  /** {@code master}, {@code slave} or {@code sentinel} ({@code ROLE}), or null if nothing answers at {@code at}. */
  public String role(Address at) {
    try {
      return link.await(link.ask(at, Request.cmd(Command.ROLE))).get(0).toString();
    } catch (IOException e) {
      return null;
    }
  }

  /** True if the replica at {@code at} is connected to its primary and synced ({@code master_link_status:up}). */
  public boolean synced(Address at) {
    try {
      return link.await(link.ask(at, Request.cmd(Command.INFO).arg("replication"))).toString().contains("master_link_status:up");
    } catch (IOException e) {
      return false;
    }
  }

  /** The primary holds {@link Keys#GROUP_ACKS} and every sentinel knows {@link #REPLICAS} replicas. */
  boolean grown() {
    try {
      Address primary = primary().orElse(null);
      if (primary == null || link.await(link.ask(primary, Request.cmd(Command.GET).arg(Keys.GROUP_ACKS))) == null) return false;
      for (Address s : group.sentinels()) {
        if (link.await(link.ask(s, Request.cmd(Command.SENTINEL).arg("REPLICAS").arg(group.masterName()))).size() < REPLICAS) return false;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The id of the sentinel at {@code at} ({@code SENTINEL MYID}). */
  public String sentinelId(Address at) throws IOException {
    return link.await(link.ask(at, Request.cmd(Command.SENTINEL).arg("myid"))).toString();
  }

  /** The pid of whatever answers at {@code at}, or -1. */
  public long pid(Address at) {
    try {
      return link.pid(at);
    } catch (IOException e) {
      return -1;
    }
  }

  /** {@code kill -9} of the process answering at {@code at}; returns its pid once it is gone. */
  public long kill(Address at) throws InterruptedException {
    long pid = pid(at);
    if (pid < 0) throw new IllegalStateException("nothing answers at " + at);
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    LocalCluster.poll("pid " + pid + " gone", Duration.ofSeconds(10), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    return pid;
  }

  /** Stops the nodes, then every group process (they outlive their nodes). */
  @Override
  public void close() {
    cluster.close();
    GroupProcesses.stopAll(group, link);
    link.close();
  }
}
