package io.ember.conf;

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
    Startup startup) {

  /** Hazelcast and event-bus settings. Loopback TCP-IP join by default; never multicast. */
  public record Cluster(String name, String host, int port, boolean portAutoIncrement, List<String> members, int busPort) {
    /** The join list when the conf names none: this machine's loopback alone. */
    public static final List<String> DEFAULT_MEMBERS = List.of("127.0.0.1");

    /** True if the conf names members other than the default: it is meant for a cluster. */
    public boolean namesMembers() {
      return !members.equals(DEFAULT_MEMBERS);
    }
  }

  /**
   * Where Redis is. {@code embedded}: this node starts a redis-server itself on {@code port} (0 = a free one).
   * {@code minReplicaAcks}: how many replicas must hold a write that recovery relies on before it
   * counts (WAIT after each write batch, claim and declaration; 0 = the primary's word is enough).
   */
  public record Redis(String host, int port, boolean embedded, String binary, Path dataDir, int minReplicaAcks) {
    public Redis(String host, int port, boolean embedded, String binary, Path dataDir) {
      this(host, port, embedded, binary, dataDir, 0);
    }

    public String endpoint() {
      return host + ":" + port;
    }
  }

  /**
   * {@code timeoutMs}: silence of a node's monitor thread after which the node is dead (a crash or
   * a hang). {@code componentTimeoutMs}: silence of its scheduler's or object manager's event
   * loop after which the node is dead too (longer: a flooded loop is slow, not dead).
   */
  public record Heartbeat(int intervalMs, int timeoutMs, int componentTimeoutMs) {}

  /** {@code spillDir} null: spilling disabled, an evicted object is dropped (and rebuilt from lineage when needed). */
  public record Objects(long capacityBytes, long maxObjectBytes, Path spillDir, int transferPort, int inlineLimitBytes) {}

  /** {@code lineageTtlSec}: how long a finished task's spec is kept for reconstruction (the lineage bound). */
  public record Scheduler(int maxBlockedWorkers, int getTimeoutMs, int lineageTtlSec) {}

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
        members, port(source, "cluster.busPort", cluster.getInteger("busPort", 0)));

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
        positive(source, "objects.inlineLimitBytes", obj.getInteger("inlineLimitBytes", 64 * 1024)));
    Scheduler s = new Scheduler(positive(source, "scheduler.maxBlockedWorkers", sch.getInteger("maxBlockedWorkers", 1024)),
        positive(source, "scheduler.getTimeoutMs", sch.getInteger("getTimeoutMs", 60_000)),
        positive(source, "scheduler.lineageTtlSec", sch.getInteger("lineageTtlSec", 600)));
    List<String> functions = new ArrayList<>();
    for (Object f : json.getJsonArray("functions", new JsonArray())) functions.add((String) f);
    int componentTimeout = positive(source, "heartbeat.componentTimeoutMs", hb.getInteger("componentTimeoutMs", Math.max(10_000, 10 * timeout)));
    if (componentTimeout < timeout) {
      throw new ConfException(source + ": key 'heartbeat.componentTimeoutMs' (" + componentTimeout + ") must be at least 'heartbeat.timeoutMs' (" + timeout + ")");
    }
    return new EmberConf(source, node.getString("name"), resources, dataDir, c, r, new Heartbeat(interval, timeout, componentTimeout), o, s, functions,
        actors(source, json.getJsonObject("actors", new JsonObject())),
        new Startup(positive(source, "startup.waitMs", json.getJsonObject("startup", new JsonObject()).getInteger("waitMs", 60_000))));
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
      return new Redis("127.0.0.1", 0, true, null, dataDir.resolve("redis"));
    }
    boolean embedded = redis.getBoolean("embedded", !redis.containsKey("host"));
    int port = port(source, "redis.port", redis.getInteger("port", embedded ? 0 : 6379));
    return new Redis(redis.getString("host", "127.0.0.1"), port, embedded, redis.getString("binary"),
        Path.of(redis.getString("dataDir", dataDir.resolve("redis").toString())),
        atLeastZero(source, "redis.minReplicaAcks", redis.getInteger("minReplicaAcks", 0)));
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
