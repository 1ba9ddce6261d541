package io.ember.testing;

import io.ember.client.EmberClient;
import io.ember.conf.EmberConf;
import io.ember.gcs.Gcs;
import io.ember.gcs.NodeRecord;
import io.ember.gcs.RedisProcess;
import io.ember.gcs.SentinelSet;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.gcs.RedisEndpoint;
import io.ember.node.HazelcastSetup;
import io.ember.security.ClusterSecret;
import io.ember.security.ClusterSecurity;
import io.ember.node.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A real Ember cluster on this machine for tests: one real redis-server and N node JVMs
 * ({@code java -cp <test classpath> io.ember.cli.Main -cluster -conf <file>}), on loopback
 * only, with a random cluster name and free ports. The test JVM joins the cluster as a driver
 * (a Hazelcast member with an {@link EmberClient}, no node of its own). Nodes can be killed
 * ({@code kill -9}), frozen ({@code SIGSTOP}) and resumed; Redis can be killed and restarted.
 */
public final class LocalCluster implements AutoCloseable {
  private final Path dir;
  private final String clusterName = "ember-test-" + UUID.randomUUID().toString().substring(0, 8);
  /** Every node's and the driver's cluster secret (conf cluster.secret): one per cluster, as on real hosts. */
  private final String secret = "test-secret-" + UUID.randomUUID();
  /**
   * The event bus's and transfer port's TLS ({@code cluster.tls}): off unless a test asks for it
   * ({@link #startWithTls}): on, cluster tests took ~20 % longer on 2 cores (node JVMs run C1 only).
   * The secret, the heartbeat HMAC and the Redis password stay on in every test.
   */
  private boolean tls;
  private final int hzBase;
  private final int maxNodes;
  private final int redisPort;
  private volatile RedisProcess redis;
  /** Set when the nodes reach Redis through Sentinels (a {@link SentinelSet}) instead of this cluster's own redis-server. */
  private volatile SentinelSet sentinels;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private Vertx vertx;
  private EmberClient client;
  private Gcs gcs;
  private java.util.function.Function<Vertx, Future<Gcs>> connectGcs;

  /** A started node JVM. */
  public static final class NodeProcess {
    public final String name;
    public final Process process;
    public final Path log;

    NodeProcess(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    public long pid() {
      return process.pid();
    }
  }

  private LocalCluster(Path dir, int maxNodes, boolean withRedis) throws IOException {
    this(dir, maxNodes, withRedis, RedisProcess.freePort());
  }

  private LocalCluster(Path dir, int maxNodes, boolean withRedis, int redisPort) throws IOException {
    this.dir = dir;
    this.maxNodes = maxNodes;
    this.hzBase = Ports.freeRange(maxNodes + 2);
    this.redisPort = redisPort;
    if (withRedis) startRedis();
  }

  /** A cluster of up to {@code maxNodes} nodes whose Redis is not started yet ({@link #startRedis}); no node, no driver. */
  public static LocalCluster withoutRedis(int maxNodes) throws IOException {
    return new LocalCluster(Files.createTempDirectory("ember-cluster"), maxNodes + 2, false);
  }

  /** As {@link #withoutRedis(int)}, with the nodes' confs naming Redis on {@code redisPort} (a fixture that runs its own). */
  public static LocalCluster withoutRedis(int maxNodes, int redisPort) throws IOException {
    return new LocalCluster(Files.createTempDirectory("ember-cluster"), maxNodes + 2, false, redisPort);
  }

  /** The cluster secret its nodes and driver hold. */
  public String secret() {
    return secret;
  }

  /** The password of this cluster's own redis-server: derived from the secret, as a node derives it. */
  public String redisPassword() {
    return ClusterSecurity.of(ClusterSecret.of(secret, "test"), false).redisPassword();
  }

  /** Starts this cluster's redis-server (on the port the nodes' confs name). */
  public void startRedis() throws IOException {
    redis = RedisProcess.start(RedisProcess.binary(null), "127.0.0.1", redisPort, dir.resolve("redis"), redisPassword());
  }

  /** kill -9 of this cluster's redis-server, then a new one on the same port with an empty data directory. */
  public void restartRedisEmpty() throws IOException {
    restartRedisOn(dir.resolve("redis-empty-" + System.nanoTime()));
  }

  /** A copy of the first redis-server's data directory (its append-only file) as it is now, for {@link #restartRedisOn}. */
  public Path copyRedisData() throws IOException {
    Path to = Files.createDirectories(dir.resolve("redis-copy-" + System.nanoTime()));
    try (var files = Files.list(dir.resolve("redis"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".aof")).toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
    return to;
  }

  /** kill -9 of this cluster's redis-server, then a new one on the same port on {@code data}. */
  public void restartRedisOn(Path data) throws IOException {
    redis.kill();
    redis = RedisProcess.start(RedisProcess.binary(null), "127.0.0.1", redisPort, data, redisPassword());
  }

  /** Starts Redis and {@code n} nodes (each conf edited by {@code edit}), waits until all are ALIVE, joins as a driver. */
  public static LocalCluster start(int n, Consumer<JsonObject> edit) throws Exception {
    return new LocalCluster(Files.createTempDirectory("ember-cluster"), n + 2, true).populate(n, edit);
  }

  /** Starts {@code n} nodes, waits until all are ALIVE, joins as a driver; closes everything if any step fails. */
  private LocalCluster populate(int n, Consumer<JsonObject> edit) throws Exception {
    try {
      for (int i = 0; i < n; i++) startNode("n" + i, edit);
      awaitAlive(n, Duration.ofSeconds(90));
      joinAsDriver();
      return this;
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** As {@link #start(int, Consumer)}, with the event bus and transfers over TLS (the product's default). */
  public static LocalCluster startWithTls(int n, Consumer<JsonObject> edit) throws Exception {
    LocalCluster c = new LocalCluster(Files.createTempDirectory("ember-cluster"), n + 2, true);
    c.tls = true;
    return c.populate(n, edit);
  }

  public static LocalCluster start(int n) throws Exception {
    return start(n, conf -> {});
  }

  /**
   * {@code n} nodes (each conf edited by {@code edit}) whose Redis is {@code set}, reached through
   * its Sentinels ({@code redis.sentinels}, {@code redis.masterName} in every conf, the driver's
   * and this fixture's reads too); the set stays the caller's to close.
   */
  public static LocalCluster startWithSentinels(int n, SentinelSet set, Consumer<JsonObject> edit) throws Exception {
    LocalCluster c = new LocalCluster(Files.createTempDirectory("ember-cluster"), n + 2, false);
    c.sentinels = set;
    return c.populate(n, edit);
  }

  /** The conf a node of this cluster gets (before {@code edit}). */
  public JsonObject baseConf(String name) {
    JsonArray members = new JsonArray();
    for (int p = hzBase; p < hzBase + maxNodes + 2; p++) members.add("127.0.0.1:" + p);
    return new JsonObject()
        .put("node", new JsonObject().put("name", name).put("resources", new JsonObject().put("cpu", 2))
            .put("dataDir", dir.resolve(name).toString()))
        .put("cluster", new JsonObject().put("name", clusterName).put("host", "127.0.0.1").put("port", hzBase)
            .put("members", members).put("secret", secret).put("tls", tls))
        .put("redis", sentinels != null ? sentinels.redisConf()
            : new JsonObject().put("embedded", false).put("host", "127.0.0.1").put("port", redisPort))
        .put("heartbeat", new JsonObject().put("intervalMs", 100).put("timeoutMs", 1200))
        .put("dashboard", new JsonObject().put("port", 0)) // off: a test that wants it sets a free port
        .put("functions", new JsonArray().add("io.ember.testing.TestFns"))
        .put("actors", new JsonObject().put("classes", new JsonArray().add(TestActors.Blob.class.getName())
            .add(TestActors.Broken.class.getName()).add(TestActors.Clock.class.getName())
            .add(TestActors.Relay.class.getName()).add(TestActors.Log.class.getName())
            .add(TestActors.Slow.class.getName())));
  }

  public NodeProcess startNode(String name, Consumer<JsonObject> edit) throws IOException {
    JsonObject conf = baseConf(name);
    edit.accept(conf);
    Path confFile = dir.resolve(name + ".json");
    Files.writeString(confFile, conf.encodePrettily());
    NodeProcess p = launch(name, List.of("-cluster", "-conf", confFile.toString()));
    nodes.add(p);
    return p;
  }

  /** Runs {@code io.ember.cli.Main} with the test classpath and the given arguments; output goes to a log file. */
  public NodeProcess launch(String name, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
        "-cp", System.getProperty("java.class.path"), "io.ember.cli.Main"));
    cmd.addAll(1, HazelcastSetup.JVM_ACCESS); // as the jar's manifest grants: Hazelcast warns at start without it
    cmd.addAll(args);
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new NodeProcess(name, p, log);
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Joins the cluster as a driver and waits until every node started so far runs a task. */
  public void joinAsDriver() throws Exception {
    EmberConf conf = EmberConf.from("driver", baseConf("driver"));
    vertx = await(HazelcastSetup.vertxBuilder(conf.cluster(), new VertxOptions()).buildClustered());
    client = await(EmberClient.connect(vertx, JobId.random(), 60_000));
    DriverReady.await(vertx, client, nodes.stream().map(p -> p.name).toList(), Duration.ofSeconds(60));
  }

  public void awaitAlive(int n, Duration timeout) throws Exception {
    poll("" + n + " nodes ALIVE", timeout, () -> aliveCount() >= n);
  }

  public int aliveCount() {
    try {
      int alive = 0;
      for (NodeRecord r : await(gcs().nodes().all())) if (r.alive()) alive++;
      return alive;
    } catch (Exception e) {
      return -1;
    }
  }

  public synchronized Gcs gcs() throws Exception {
    if (gcs == null) {
      if (vertx == null) vertx = Vertx.vertx();
      gcs = await(connectGcs != null ? connectGcs.apply(vertx)
          : sentinels != null ? Gcs.connect(vertx, sentinels.endpoint()) : Gcs.connect(vertx, RedisEndpoint.standalone("127.0.0.1", redisPort).withPassword(redisPassword())));
    }
    return gcs;
  }

  /** How this fixture reaches Redis (the default: the standalone one on the confs' port), for fixtures whose Redis moves. */
  public synchronized void connectGcsWith(java.util.function.Function<Vertx, Future<Gcs>> connect) {
    this.connectGcs = connect;
  }

  public EmberClient client() {
    return client;
  }

  public Vertx vertx() {
    return vertx;
  }

  public RedisProcess redis() {
    return redis;
  }

  public List<NodeProcess> nodes() {
    return nodes;
  }

  public Path dir() {
    return dir;
  }

  public NodeProcess node(String name) {
    for (NodeProcess p : nodes) if (p.name.equals(name)) return p;
    throw new IllegalArgumentException("no node " + name);
  }

  /** {@code kill -9}. */
  public void kill(String name) throws InterruptedException {
    NodeProcess p = node(name);
    p.process.destroyForcibly();
    p.process.waitFor(10, TimeUnit.SECONDS);
  }

  /** {@code kill -TERM}: a clean stop. */
  public void terminate(String name) throws Exception {
    signal("TERM", node(name).pid());
  }

  /** {@code kill -STOP}: the process hangs, Hazelcast still lists it. */
  public void freeze(String name) throws Exception {
    signal("STOP", node(name).pid());
  }

  /** {@code kill -CONT}. */
  public void resume(String name) throws Exception {
    signal("CONT", node(name).pid());
  }

  private static void signal(String sig, long pid) throws Exception {
    Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    if (k.waitFor() != 0) throw new IllegalStateException("kill -" + sig + " " + pid + " failed");
  }

  /** The Ember node id of the node named {@code name} (its latest incarnation), or null. */
  public NodeId nodeIdOf(String name) throws Exception {
    NodeRecord best = null;
    for (NodeRecord r : await(gcs().nodes().all())) {
      if (name.equals(r.fields().get("name")) && (best == null || r.epoch() > best.epoch())) best = r;
    }
    return best == null ? null : best.id();
  }

  /** The name of the node with id {@code id}. */
  public String nameOf(NodeId id) throws Exception {
    for (NodeRecord r : await(gcs().nodes().all())) if (r.id().equals(id)) return r.fields().get("name");
    return null;
  }

  public String stateOf(String name) throws Exception {
    NodeId id = nodeIdOf(name);
    for (NodeRecord r : await(gcs().nodes().all())) if (r.id().equals(id)) return r.state().name();
    return null;
  }

  /** The acting monitor's node id, from its lease, or null. */
  public NodeId leader() throws Exception {
    String lease = await(gcs().lease().leader());
    return lease == null ? null : new NodeId(lease.substring(0, lease.indexOf('|')));
  }

  /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes (then fails, naming it). */
  public static void poll(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** Checks {@code condition} every 50 ms for {@code window}; fails, naming it, the first time it does not hold. */
  public static void holdsFor(String what, Duration window, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < end) {
      if (!condition.getAsBoolean()) throw new AssertionError("stopped holding within " + window + ": " + what);
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  public String logOf(NodeProcess p) {
    try {
      return Files.readString(p.log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    for (NodeProcess p : nodes) p.process.destroyForcibly();
    for (NodeProcess p : nodes) {
      try {
        p.process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    if (redis != null) redis.close();
  }
}
