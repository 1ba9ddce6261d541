package io.ember.gcs;

import java.util.ArrayList;
import java.util.List;
import io.ember.conf.EmberConf;
import java.nio.file.Path;

/**
 * The embedded Redis group's layout, derived from the conf alone so that every node (and the
 * {@code redis-stop} command) computes the same one: {@code replicas + 1} members, member
 * {@code i} being a redis-server on {@code redis.port + i} and a sentinel on
 * {@code redis.sentinels[i]}, both on that sentinel's host (member 0's redis-server on
 * {@code redis.host}). Member 0 is the head's and holds the first primary; which member is the
 * primary afterwards is the sentinels' decision, never this class's. Quorum: a majority of the
 * sentinels, so that a failover needs the sentinels of most members.
 */
public record RedisGroup(String masterName, List<Member> members) {

  /** One member: the place of one redis-server and one sentinel. */
  public record Member(int index, Address redis, Address sentinel) {
    /** Its processes' directory under {@code redisDataDir}: {@code redis-<port>/} and {@code sentinel-<port>/}. */
    public Path redisDir(Path redisDataDir) {
      return redisDataDir.resolve("redis-" + redis.port());
    }

    public Path sentinelDir(Path redisDataDir) {
      return redisDataDir.resolve("sentinel-" + sentinel.port());
    }
  }

  /** A host and port. */
  public record Address(String host, int port) {
    /** {@code host:port}. */
    public static Address parse(String hostPort) {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1) throw new IllegalArgumentException("not host:port: '" + hostPort + "'");
      return new Address(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** The layout for {@code replicas} replicas: {@code sentinels} must list {@code replicas + 1} addresses. */
  public static RedisGroup of(String masterName, String redisHost, int redisPort, int replicas, List<String> sentinels) {
    if (sentinels.size() != replicas + 1) {
      throw new IllegalArgumentException("a group of " + replicas + " replicas needs " + (replicas + 1) + " sentinels, got "
          + sentinels.size());
    }
    List<Member> members = new ArrayList<>();
    for (int i = 0; i <= replicas; i++) {
      Address sentinel = Address.parse(sentinels.get(i));
      members.add(new Member(i, new Address(i == 0 ? redisHost : sentinel.host(), redisPort + i), sentinel));
    }
    return new RedisGroup(masterName, List.copyOf(members));
  }

  /** The group a conf with {@code redis.replicas > 0} describes. */
  public static RedisGroup of(EmberConf conf) {
    var r = conf.redis();
    return of(r.masterName(), r.host(), r.port(), r.replicas(), r.sentinels());
  }

  /** Sentinels that must agree that the primary is down: a majority of them. */
  public int quorum() {
    return members.size() / 2 + 1;
  }

  public List<Address> sentinels() {
    return members.stream().map(Member::sentinel).toList();
  }

  /** The member whose redis-server is at {@code redis}, or null. */
  public Member byRedis(Address redis) {
    return members.stream().filter(m -> m.redis().equals(redis)).findFirst().orElse(null);
  }
}
