package io.ember.conf;

import io.ember.logs.Logs;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * A node's configuration: the validated contents of a {@code conf/*.json} file with every
 * default filled in. Each key is documented in the README; {@link ConfSchema} lists them.
 */
public record EmberConf(
    String source,
    String nodeName,
    Map<String, Double> resources,
    Path dataDir,
    Cluster cluster,
    Redis redis,
    Heartbeat heartbeat,
    Objects objects,
    Scheduler scheduler,
    List<String> functions,
    Actors actors,
    Startup startup,
    Serial serial,
    boolean rejoin,
    Level logLevel,
    int metricsPort,
    int dashboardPort) {

  /**
   * What Java-tagged values may contain besides JDK value types and the packages of the
   * registered functions and actors: {@code allow} names classes, or packages as {@code pkg.*};
   * {@code maxDepth} bounds their nesting (see {@code serial.DecodePolicy}).
   */
  public record Serial(List<String> allow, int maxDepth) {}

  /**
   * Hazelcast and event-bus settings. Loopback TCP-IP join by default; never multicast.
   * {@code secret} (null: not in the conf) and {@code secretFile} say where the cluster secret is
   * (see {@code security.ClusterSecret}); {@code tls}: the event bus and object transfers run
   * TLS with client certificates derived from it.
   */
  public record Cluster(String name, String host, int port, boolean portAutoIncrement, List<String> members, int busPort,
      String secret, Path secretFile, boolean tls) {
    /** The join list when the conf names none: this machine's loopback alone. */
    public static final List<String> DEFAULT_MEMBERS = List.of("127.0.0.1");

    /** Never shows the secret. */
    @Override
    public String toString() {
      return "Cluster[name=" + name + ", host=" + host + ", port=" + port + ", members=" + members + ", busPort=" + busPort
          + ", secret=" + (secret == null ? "none" : "(hidden)") + ", secretFile=" + secretFile + ", tls=" + tls + "]";
    }

    /** True if the conf names members other than the default: it is meant for a cluster. */
    public boolean namesMembers() {
      return !members.equals(DEFAULT_MEMBERS);
    }
  }

  /**
   * Where Redis is. {@code embedded}: this node starts a redis-server itself on {@code port} (0 = a
   * free one). {@code sentinels} (host:port each; empty = none): Redis is whatever primary these
   * Sentinels name for master {@code masterName} (then {@code host}, {@code port} and
   * {@code embedded} are not used: see {@link #redis}), except with {@code replicas} &gt; 0: the
   * embedded Redis group (a primary, that many replicas, a sentinel each: see {@code gcs/RedisGroup}),
   * whose members the nodes with this conf run; {@code port} is then its member 0's redis-server, and
   * {@code embedded} marks the head, which runs member 0. {@code minReplicaAcks}: how many replicas
   * must hold a write that recovery relies on before it counts (WAIT after each write batch, claim
   * and declaration; 0 = the primary's word is enough; default 1 with {@code replicas} &gt; 0, where
   * it starts once the group's primary has its replicas, else 0).
   */
  public record Redis(String host, int port, boolean embedded, String binary, Path dataDir, List<String> sentinels,
      String masterName, int replicas, int minReplicaAcks, String password) {
    /** The Sentinel master name when the conf names none. */
    public static final String DEFAULT_MASTER_NAME = "ember";

    /** Never shows the password ({@code password}: null = derived from the cluster secret, "" = none). */
    @Override
    public String toString() {
      return "Redis[" + endpoint() + ", embedded=" + embedded + ", replicas=" + replicas + ", password="
          + (password == null ? "derived" : password.isEmpty() ? "none" : "(hidden)") + "]";
    }

    /** For messages: {@code host:port}, or {@code master 'ember' via sentinels h:p,...}. */
    public String endpoint() {
      return sentinels.isEmpty() ? host + ":" + port : "master '" + masterName + "' via sentinels " + String.join(",", sentinels);
    }
  }

  /**
   * {@code timeoutMs}: silence of a node's monitor thread after which the node is dead (a crash or
   * a hang). {@code componentTimeoutMs}: silence of its scheduler's or object manager's event
   * loop after which the node is dead too (longer: a flooded loop is slow, not dead).
   */
  public record Heartbeat(int intervalMs, int timeoutMs, int componentTimeoutMs) {}

  /**
   * {@code spillDir} null: spilling disabled, an evicted object is dropped (and rebuilt from lineage when needed);
   * {@code spillMaxBytes}: the most the spill files hold, beyond which evicted objects are dropped likewise.
   */
  public record Objects(long capacityBytes, long maxObjectBytes, Path spillDir, int transferPort, int inlineLimitBytes,
      long spillMaxBytes) {}

  /**
   * {@code lineageTtlSec}: how long a finished task's spec is kept for reconstruction (the lineage bound).
   * {@code maxInFlight}: results the node's own client may have outstanding before its JSON doors answer UNAVAILABLE.
   */
  public record Scheduler(int maxBlockedWorkers, int getTimeoutMs, int lineageTtlSec, int maxInFlight) {}

  /**
   * {@code classes}: the actor classes this node may host. {@code threads}: the actor threads
   * (calls of one actor run one at a time; of different actors, in parallel). Checkpoints of
   * {@code Checkpointable} actors every {@code checkpointEveryCalls} calls or
   * {@code checkpointEveryMs} ms (0 = not by that rule), the newest {@code checkpointsKept}
   * kept. {@code maxRestarts}: default restart budget (-1 = unlimited).
   */
  public record Actors(List<String> classes, int threads, int checkpointEveryCalls, int checkpointEveryMs, int checkpointsKept,
      int maxRestarts) {}

  /**
   * {@code waitMs}: how long a starting node waits for what it needs from others (Redis, which
   * the head may still be starting) before it gives up with exit code 1.
   */
  public record Startup(int waitMs) {}

  public static EmberConf load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfException(file + ": cannot read the conf file: " + e.getMessage());
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfException(file + ": not a JSON object: " + e.getMessage());
    }
    return from(file.toString(), json);
  }

  /** Validates {@code json} (naming {@code source} in errors) and fills in defaults. */
  public static EmberConf from(String source, JsonObject json) {
    ConfSchema.validate(source, json);
    JsonObject node = json.getJsonObject("node", new JsonObject());
    JsonObject cluster = json.getJsonObject("cluster", new JsonObject());
    JsonObject hb = json.getJsonObject("heartbeat", new JsonObject());
    JsonObject obj = json.getJsonObject("objects", new JsonObject());
    JsonObject sch = json.getJsonObject("scheduler", new JsonObject());
    Path dataDir = Path.of(node.getString("dataDir", "data"));

    Map<String, Double> resources = new LinkedHashMap<>();
    resources.put("cpu", (double) Runtime.getRuntime().availableProcessors());
    JsonObject res = node.getJsonObject("resources", new JsonObject());
    for (String k : res.fieldNames()) resources.put(k, res.getNumber(k).doubleValue());
    for (Map.Entry<String, Double> e : resources.entrySet()) {
      if (e.getValue() < 0) throw new ConfException(source + ": key 'node.resources." + e.getKey() + "' must be >= 0");
    }

    List<String> members = new ArrayList<>();
    for (Object m : cluster.getJsonArray("members", new JsonArray(Cluster.DEFAULT_MEMBERS))) members.add((String) m);
    String host = cluster.getString("host", ClusterHost.AUTO);
    if (host.equals(ClusterHost.AUTO)) host = ClusterHost.derive(source, members);
    Cluster c = new Cluster(cluster.getString("name", "ember"), host,
        port(source, "cluster.port", cluster.getInteger("port", 5701)), cluster.getBoolean("portAutoIncrement", true),
        members, port(source, "cluster.busPort", cluster.getInteger("busPort", 0)), cluster.getString("secret"),
        Path.of(cluster.getString("secretFile", dataDir.resolve("cluster.secret").toString())), cluster.getBoolean("tls", true));

    Redis r = redis(source, json.getJsonObject("redis"), dataDir);

    int interval = positive(source, "heartbeat.intervalMs", hb.getInteger("intervalMs", 100));
    int timeout = positive(source, "heartbeat.timeoutMs", hb.getInteger("timeoutMs", 2500));
    if (timeout <= interval) {
      throw new ConfException(source + ": key 'heartbeat.timeoutMs' (" + timeout + ") must be greater than 'heartbeat.intervalMs' (" + interval + ")");
    }
    Objects o = new Objects(
        mb(positive(source, "objects.capacityMb", obj.getInteger("capacityMb", defaultCapacityMb()))),
        mb(positive(source, "objects.maxObjectMb", obj.getInteger("maxObjectMb", 1024))),
        obj.getBoolean("spill", true) ? Path.of(obj.getString("spillDir", dataDir.resolve("spill").toString())) : null,
        port(source, "objects.transferPort", obj.getInteger("transferPort", 0)),
        positive(source, "objects.inlineLimitBytes", obj.getInteger("inlineLimitBytes", 64 * 1024)),
        mb(positive(source, "objects.spillMaxMb", obj.getInteger("spillMaxMb", 10_240))));
    Scheduler s = new Scheduler(positive(source, "scheduler.maxBlockedWorkers", sch.getInteger("maxBlockedWorkers", 1024)),
        positive(source, "scheduler.getTimeoutMs", sch.getInteger("getTimeoutMs", 60_000)),
        positive(source, "scheduler.lineageTtlSec", sch.getInteger("lineageTtlSec", 600)),
        positive(source, "scheduler.maxInFlight", sch.getInteger("maxInFlight", 10_000)));
    List<String> functions = new ArrayList<>();
    for (Object f : json.getJsonArray("functions", new JsonArray())) functions.add((String) f);
    int componentTimeout = positive(source, "heartbeat.componentTimeoutMs", hb.getInteger("componentTimeoutMs", Math.max(10_000, 10 * timeout)));
    if (componentTimeout < timeout) {
      throw new ConfException(source + ": key 'heartbeat.componentTimeoutMs' (" + componentTimeout + ") must be at least 'heartbeat.timeoutMs' (" + timeout + ")");
    }
    return new EmberConf(source, node.getString("name"), resources, dataDir, c, r, new Heartbeat(interval, timeout, componentTimeout), o, s, functions,
        actors(source, json.getJsonObject("actors", new JsonObject())),
        new Startup(positive(source, "startup.waitMs", json.getJsonObject("startup", new JsonObject()).getInteger("waitMs", 60_000))),
        serial(source, json.getJsonObject("serial", new JsonObject())), node.getBoolean("rejoin", false),
        logLevel(source, json.getJsonObject("logging", new JsonObject())),
        metricsPort(source, json.getJsonObject("metrics", new JsonObject())),
        port(source, "dashboard.port", json.getJsonObject("dashboard", new JsonObject()).getInteger("port", DEFAULT_DASHBOARD_PORT)));
  }

  /** Where the dashboard is served when the conf names no {@code dashboard.port} (Ray's port). */
  public static final int DEFAULT_DASHBOARD_PORT = 8265;

  /** True when the node serves the dashboard ({@code dashboard.port} not 0). */
  public boolean dashboardOn() {
    return dashboardPort > 0;
  }

  /** {@code metrics.port}: where {@code GET /metrics} is served on {@code cluster.host}; 0 (the default): not served. */
  private static int metricsPort(String source, JsonObject metrics) {
    return port(source, "metrics.port", metrics.getInteger("port", 0));
  }

  /** True when the node serves Prometheus metrics (and Vert.x collects its own). */
  public boolean metricsOn() {
    return metricsPort > 0;
  }

  /** {@code logging.level}: Ember's own events from this level up (Vert.x, Hazelcast and Netty stay at WARNING). */
  private static Level logLevel(String source, JsonObject logging) {
    String name = logging.getString("level", "INFO");
    Level level = Logs.parse(name);
    if (level == null) {
      throw new ConfException(source + ": key 'logging.level' must be one of SEVERE (or ERROR), WARNING (or WARN), INFO, CONFIG,"
          + " FINE (or DEBUG), FINER, FINEST (or TRACE), ALL, OFF; got \"" + name + "\"");
    }
    return level;
  }

  private static Serial serial(String source, JsonObject s) {
    List<String> allow = new ArrayList<>();
    for (Object a : s.getJsonArray("allow", new JsonArray())) {
      String name = (String) a;
      if (!name.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*(\\.\\*)?")) {
        throw new ConfException(source + ": key 'serial.allow' must list class names or packages as 'pkg.*', got '" + name + "'");
      }
      allow.add(name);
    }
    return new Serial(List.copyOf(allow), positive(source, "serial.maxDepth", s.getInteger("maxDepth", 20)));
  }

  private static Actors actors(String source, JsonObject a) {
    List<String> classes = new ArrayList<>();
    for (Object c : a.getJsonArray("classes", new JsonArray())) classes.add((String) c);
    int maxRestarts = a.getInteger("maxRestarts", -1);
    if (maxRestarts < -1) throw new ConfException(source + ": key 'actors.maxRestarts' must be -1 (unlimited) or >= 0, got " + maxRestarts);
    return new Actors(classes,
        positive(source, "actors.threads", a.getInteger("threads", Math.max(4, 2 * Runtime.getRuntime().availableProcessors()))),
        atLeastZero(source, "actors.checkpointEveryCalls", a.getInteger("checkpointEveryCalls", 1000)),
        atLeastZero(source, "actors.checkpointEveryMs", a.getInteger("checkpointEveryMs", 10_000)),
        positive(source, "actors.checkpointsKept", a.getInteger("checkpointsKept", 2)), maxRestarts);
  }

  private static int atLeastZero(String source, String key, int v) {
    if (v < 0) throw new ConfException(source + ": key '" + key + "' must be >= 0, got " + v);
    return v;
  }

  private static Redis redis(String source, JsonObject redis, Path dataDir) {
    if (redis == null) {
      // No Redis named at all: a single-machine cluster with its own embedded Redis on a free port.
      return new Redis("127.0.0.1", 0, true, null, dataDir.resolve("redis"), List.of(), Redis.DEFAULT_MASTER_NAME, 0, 0, null);
    }
    int replicas = atLeastZero(source, "redis.replicas", redis.getInteger("replicas", 0));
    List<String> sentinels = sentinels(source, redis, replicas);
    boolean embedded = redis.getBoolean("embedded", !redis.containsKey("host") && sentinels.isEmpty());
    int port = port(source, "redis.port", redis.getInteger("port", embedded ? 0 : 6379));
    if (replicas > 0 && port == 0) {
      throw new ConfException(source + ": key 'redis.replicas' (" + replicas + ") needs a fixed 'redis.port' (the group's"
          + " member i runs its redis-server on redis.port + i), got 0");
    }
    return new Redis(redis.getString("host", "127.0.0.1"), port, embedded, redis.getString("binary"),
        Path.of(redis.getString("dataDir", dataDir.resolve("redis").toString())), sentinels,
        redis.getString("masterName", Redis.DEFAULT_MASTER_NAME), replicas,
        atLeastZero(source, "redis.minReplicaAcks", redis.getInteger("minReplicaAcks", replicas > 0 ? 1 : 0)), redis.getString("password"));
  }

  /**
   * {@code redis.sentinels}, checked: each a {@code host:port}, at least one, and no other way to
   * name Redis beside them ({@code host}, {@code port}, {@code embedded: true}): a conf that names
   * two would leave a reader guessing which one the node uses. With {@code replicas} &gt; 0 (the
   * embedded group) they are the group's own, one for each member ({@code replicas + 1}), and
   * {@code host}, {@code port} and {@code embedded} say where member 0 runs and which node is the head.
   */
  private static List<String> sentinels(String source, JsonObject redis, int replicas) {
    String masterName = redis.getString("masterName");
    if (!redis.containsKey("sentinels")) {
      if (replicas > 0) {
        throw new ConfException(source + ": key 'redis.replicas' (" + replicas + ") needs 'redis.sentinels' to list "
            + (replicas + 1) + " sentinels (\"host:port\", one for each member of the group), got none");
      }
      if (masterName != null) {
        throw new ConfException(source + ": key 'redis.masterName' is only used with 'redis.sentinels' (the Sentinels to ask"
            + " for that master's address); add 'redis.sentinels' or remove 'redis.masterName'");
      }
      return List.of();
    }
    for (String other : replicas > 0 ? List.<String>of() : List.of("host", "port")) {
      if (redis.containsKey(other)) {
        throw new ConfException(source + ": keys 'redis.sentinels' and 'redis." + other + "' cannot both be set: with"
            + " Sentinels the Redis address is whatever primary they name; remove one of them");
      }
    }
    if (replicas == 0 && redis.getBoolean("embedded", false)) {
      throw new ConfException(source + ": key 'redis.sentinels' names an external Redis behind Sentinel, but 'redis.embedded'"
          + " is true; remove one of them");
    }
    if (masterName != null && (masterName.isBlank() || masterName.contains("@") || masterName.contains(" "))) {
      throw new ConfException(source + ": key 'redis.masterName' must be a non-empty name without spaces or '@', got \""
          + masterName + "\"");
    }
    List<String> out = new ArrayList<>();
    for (Object o : redis.getJsonArray("sentinels")) {
      String s = (String) o;
      int colon = s.lastIndexOf(':');
      int p = -1;
      try {
        p = colon > 0 ? Integer.parseInt(s.substring(colon + 1)) : -1;
      } catch (NumberFormatException e) {
        // reported below
      }
      if (p < 1 || p > 65535) {
        throw new ConfException(source + ": key 'redis.sentinels' must hold \"host:port\" strings (port 1-65535), got \""
            + s + "\"");
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw new ConfException(source + ": key 'redis.sentinels' must name at least one sentinel (\"host:port\"), got an"
          + " empty array");
    }
    if (replicas > 0 && out.size() != replicas + 1) {
      throw new ConfException(source + ": key 'redis.replicas' (" + replicas + ") needs 'redis.sentinels' to list "
          + (replicas + 1) + " sentinels (\"host:port\", one for each member of the group: the primary's and each replica's), got "
          + out.size());
    }
    return List.copyOf(out);
  }

  /** 40% of the heap, at most 2 GiB: the store must leave the JVM room for copies in flight. */
  static int defaultCapacityMb() {
    return (int) Math.max(16, Math.min(2048, Runtime.getRuntime().maxMemory() * 2 / 5 / (1024 * 1024)));
  }

  private static long mb(int n) {
    return n * 1024L * 1024L;
  }

  private static int port(String source, String key, int v) {
    if (v < 0 || v > 65535) throw new ConfException(source + ": key '" + key + "' must be a port number 0-65535, got " + v);
    return v;
  }

  private static int positive(String source, String key, int v) {
    if (v <= 0) throw new ConfException(source + ": key '" + key + "' must be > 0, got " + v);
    return v;
  }

  public int cpus() {
    return (int) Math.max(1, Math.round(resources.getOrDefault("cpu", 1.0)));
  }
}
