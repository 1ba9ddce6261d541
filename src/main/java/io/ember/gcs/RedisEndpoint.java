package io.ember.gcs;

import io.ember.conf.EmberConf;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;

/**
 * How Ember reaches its Redis: one server at a fixed address ({@link Standalone}), or whatever
 * primary a set of Sentinels names for a master ({@link Sentinel}). It makes the Vert.x Redis
 * client's options, says what it is in logs and errors ({@link #describe()}), and has a wire form
 * ({@link #wire()}, {@link #parse}) that a node hands to drivers in its status reply, so that a
 * driver reaches Redis the same way the node does.
 *
 * <p>Wire forms: {@code host:port} (standalone, the form nodes have always sent) and
 * {@code sentinel:MASTER@h1:p1,h2:p2,...}. It holds no connection and never blocks.
 */
public sealed interface RedisEndpoint {
  /** The prefix of a Sentinel endpoint's wire form. */
  String SENTINEL_PREFIX = "sentinel:";

  /** Fresh client options for this endpoint (each call a new object: callers tune the pool). */
  RedisOptions options();

  /** For logs and errors: {@code 127.0.0.1:6379}, or {@code master 'ember' via sentinels 127.0.0.1:26379,...}. */
  String describe();

  /** The form a node's status reply carries; {@link #parse} reads it back. Never holds the password. */
  String wire();

  /** The password sent with AUTH on every connection (to Sentinels too); null or "" = none. */
  String password();

  /** The same endpoint, authenticating with {@code password} (null or "" = none). */
  RedisEndpoint withPassword(String password);

  /** One Redis server at {@code host:port}. */
  record Standalone(String host, int port, String password) implements RedisEndpoint {
    public Standalone {
      checkPort(port, host + ":" + port);
    }

    public Standalone(String host, int port) {
      this(host, port, null);
    }

    @Override
    public RedisOptions options() {
      return base(password).setConnectionString("redis://" + host + ":" + port);
    }

    @Override
    public Standalone withPassword(String password) {
      return new Standalone(host, port, password);
    }

    @Override
    public String toString() {
      return "Standalone[" + describe() + "]";
    }

    @Override
    public String describe() {
      return host + ":" + port;
    }

    @Override
    public String wire() {
      return host + ":" + port;
    }
  }

  /** The current primary of master {@code masterName}, as {@code sentinels} (host:port each) name it. */
  record Sentinel(List<String> sentinels, String masterName, String password) implements RedisEndpoint {
    public Sentinel(List<String> sentinels, String masterName) {
      this(sentinels, masterName, null);
    }

    @Override
    public Sentinel withPassword(String password) {
      return new Sentinel(sentinels, masterName, password);
    }

    @Override
    public String toString() {
      return "Sentinel[" + describe() + "]";
    }

    public Sentinel {
      if (sentinels.isEmpty()) throw new IllegalArgumentException("a Sentinel endpoint needs at least one sentinel");
      if (masterName.isBlank() || masterName.contains("@") || masterName.contains(" ")) {
        throw new IllegalArgumentException("a master name is a non-empty word without '@' or spaces, got '" + masterName + "'");
      }
      sentinels = List.copyOf(sentinels);
      for (String s : sentinels) hostPort(s);
    }

    /**
     * The Sentinel client asking for the master ({@link RedisRole#MASTER}). A connection it makes
     * goes to the primary the sentinels named when it was made; the client's own automatic
     * failover (a pub/sub watcher that swaps connections under their users) stays off: Ember's
     * dedicated connections reconnect themselves after a loss (and so ask the sentinels again),
     * and the pooled client's connections are short-lived.
     */
    @Override
    public RedisOptions options() {
      RedisOptions o = base(password).setType(RedisClientType.SENTINEL).setRole(RedisRole.MASTER).setMasterName(masterName);
      for (String s : SentinelOrder.current(sentinels, masterName)) o.addConnectionString("redis://" + s);
      return o;
    }

    /**
     * The sentinels on one of this machine's own addresses first, the others after, each in the
     * conf's order. The client asks them in that order, and the {@link SentinelWatch} subscribes to
     * the first: in a partition a host's own sentinel is on its own side, while one across the cut
     * drops packets silently (every new connection would wait out its connect timeout first, and a
     * subscription to it would never hear the majority's {@code +switch-master}).
     */
    static List<String> localFirst(List<String> sentinels) {
      List<String> local = new ArrayList<>();
      List<String> rest = new ArrayList<>();
      for (String s : sentinels) (isLocal(hostPort(s).host()) ? local : rest).add(s);
      local.addAll(rest);
      return local;
    }

    private static boolean isLocal(String host) {
      try {
        InetAddress a = InetAddress.getByName(host);
        return !a.isLoopbackAddress() && NetworkInterface.getByInetAddress(a) != null;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public String describe() {
      return "master '" + masterName + "' via sentinels " + String.join(",", sentinels);
    }

    @Override
    public String wire() {
      return SENTINEL_PREFIX + masterName + "@" + String.join(",", sentinels);
    }
  }

  static Standalone standalone(String host, int port) {
    return new Standalone(host, port);
  }

  static Sentinel sentinel(List<String> sentinels, String masterName) {
    return new Sentinel(sentinels, masterName);
  }

  /** The endpoint an external Redis conf names (a conf's embedded Redis gets its address only once started). */
  static RedisEndpoint of(EmberConf.Redis conf) {
    return conf.sentinels().isEmpty() ? new Standalone(conf.host(), conf.port()) : new Sentinel(conf.sentinels(), conf.masterName());
  }

  /** Reads a {@link #wire()} form back; IllegalArgumentException naming the text if it is neither form. */
  static RedisEndpoint parse(String wire) {
    if (wire.startsWith(SENTINEL_PREFIX)) {
      String rest = wire.substring(SENTINEL_PREFIX.length());
      int at = rest.indexOf('@');
      if (at <= 0) throw new IllegalArgumentException("not a Redis endpoint (sentinel:MASTER@host:port,...): '" + wire + "'");
      return new Sentinel(List.of(rest.substring(at + 1).split(",")), rest.substring(0, at));
    }
    return hostPort(wire);
  }

  /** {@code host:port} as a standalone endpoint, or IllegalArgumentException naming the text. */
  static Standalone hostPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not a host:port: '" + text + "'");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a host:port (the port is not a number): '" + text + "'");
    }
    return new Standalone(text.substring(0, colon), port);
  }

  private static void checkPort(int port, String text) {
    if (port < 1 || port > 65535) throw new IllegalArgumentException("not a port 1-65535 in '" + text + "'");
  }

  private static RedisOptions base(String password) {
    RedisOptions o = new RedisOptions();
    if (password != null && !password.isEmpty()) o.setPassword(password);
    o.getNetClientOptions().setConnectTimeout(2_000).setTcpNoDelay(true);
    return o;
  }
}
