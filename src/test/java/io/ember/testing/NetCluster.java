package io.ember.testing;

import io.ember.cli.Main;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An Ember cluster across {@link NetHosts}: host 0 runs the head ({@code head}, member 0 of the
 * embedded Redis group, its first primary), host {@code i > 0} a worker {@code w<i>} (member
 * {@code i}); every node binds its host's address (Hazelcast, event bus, heartbeats, transfers,
 * its redis-server and sentinel), Hazelcast joins over the list of all hosts. The driver
 * ({@link PartitionDriver}) is a JVM in host {@link #DRIVER_HOST}'s namespace, spoken to over its
 * stdin and stdout: the test JVM is in no namespace and reaches nothing there itself.
 *
 * <p>{@link #close} kills the node and driver JVMs, then {@link NetHosts#close} kills everything
 * left in the namespaces (the detached group processes) and removes them.
 */
public final class NetCluster implements AutoCloseable {
  public static final int DRIVER_HOST = 1;
  static final int HZ_PORT = 5701;
  static final int DRIVER_HZ_PORT = 5711;
  static final int REDIS_PORT = 6390;
  static final int SENTINEL_PORT = 26390;

  public final NetHosts hosts;
  private final Path dir;
  private final String clusterName = "ember-net-" + UUID.randomUUID().toString().substring(0, 8);
  /** Every node's and the driver's cluster secret: one per cluster, given in each conf as on real hosts. */
  private final String secret = "net-secret-" + UUID.randomUUID();
  private final List<Process> processes = new ArrayList<>();
  private final List<String> driverLines = new CopyOnWriteArrayList<>();
  private Process driver;
  private Writer driverIn;

  private NetCluster(NetHosts hosts, Path dir) {
    this.hosts = hosts;
    this.dir = dir;
  }

  /** Makes {@code n} hosts, starts a node on each and the driver; returns once every node is ALIVE and the driver joined. */
  public static NetCluster start(int n) throws Exception {
    NetCluster c = new NetCluster(NetHosts.create(n), Files.createTempDirectory("ember-net"));
    try {
      for (int i = 0; i < n; i++) c.startNode(i);
      c.startDriver();
      c.awaitSnap("all " + n + " nodes ALIVE", Duration.ofSeconds(120), s -> alive(s) == n);
      c.ask("join", "JOINED", "JOIN-ERR", Duration.ofSeconds(120));
      // every sentinel knows every replica, or a failover finds no replica it may promote
      LocalCluster.poll("every sentinel knows the " + (n - 1) + " replicas", Duration.ofSeconds(60), () -> {
        try {
          return Integer.parseInt(c.ask("sentinels", "SENTINELS", "SENTINELS-ERR", Duration.ofSeconds(10))) >= n - 1;
        } catch (Exception notYet) {
          return false;
        }
      });
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  public static String name(int host) {
    return host == 0 ? "head" : "w" + host;
  }

  /** Node {@code host}'s conf. */
  public JsonObject conf(int host, String name, int hzPort) {
    JsonArray members = new JsonArray();
    for (int i = 0; i < hosts.size(); i++) members.add(hosts.address(i) + ":" + HZ_PORT);
    members.add(hosts.address(DRIVER_HOST) + ":" + DRIVER_HZ_PORT);
    JsonArray sentinels = new JsonArray();
    for (int i = 0; i < hosts.size(); i++) sentinels.add(hosts.address(i) + ":" + SENTINEL_PORT);
    return new JsonObject()
        .put("node", new JsonObject().put("name", name).put("resources", new JsonObject().put("cpu", 2))
            .put("dataDir", dir.resolve(name).toString()).put("rejoin", true))
        .put("cluster", new JsonObject().put("name", clusterName).put("host", hosts.address(host)).put("port", hzPort)
            .put("members", members).put("secret", secret))
        .put("redis", new JsonObject().put("embedded", host == 0).put("host", hosts.address(0)).put("port", REDIS_PORT)
            .put("replicas", hosts.size() - 1).put("sentinels", sentinels).put("minReplicaAcks", 1))
        .put("heartbeat", new JsonObject().put("intervalMs", 100).put("timeoutMs", 1200))
        .put("dashboard", new JsonObject().put("port", 0))
        .put("functions", new JsonArray().add("io.ember.testing.TestFns"));
  }

  /** Starts the node of host {@code host} (again, after it exited). */
  public Process startNode(int host) throws IOException {
    String name = name(host);
    Path confFile = dir.resolve(name + ".json");
    Files.writeString(confFile, conf(host, name, HZ_PORT).encodePrettily());
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(hosts.exec(host, java(Main.class.getName(), "-cluster", "-conf", confFile.toString())))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.add(p);
    return p;
  }

  private void startDriver() throws IOException {
    Path confFile = dir.resolve("driver.json");
    Files.writeString(confFile, conf(DRIVER_HOST, "driver", DRIVER_HZ_PORT).encodePrettily());
    driver = new ProcessBuilder(hosts.exec(DRIVER_HOST, java(PartitionDriver.class.getName(), confFile.toString())))
        .redirectError(dir.resolve("driver.log").toFile()).start();
    processes.add(driver);
    driverIn = new OutputStreamWriter(driver.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) driverLines.add(line);
      } catch (IOException ended) {
        // the driver is gone
      }
    }, "net-driver-out");
    reader.setDaemon(true);
    reader.start();
  }

  private static List<String> java(String main, String... args) {
    List<String> cmd = new ArrayList<>(List.of(LocalCluster.javaBin(), "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4", "-cp", System.getProperty("java.class.path"), main));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Sends {@code cmd} to the driver; returns the rest of its first answer line starting with {@code ok}, fails on {@code err}. */
  public synchronized String ask(String cmd, String ok, String err, Duration timeout) throws Exception {
    int from = driverLines.size();
    driverIn.write(cmd + "\n");
    driverIn.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = from; i < driverLines.size(); i++) {
        String l = driverLines.get(i);
        if (l.startsWith(ok)) return l.substring(ok.length()).trim();
        if (l.startsWith(err + " ")) throw new IllegalStateException("driver: " + cmd + ": " + l);
      }
      if (!driver.isAlive()) throw new IllegalStateException("driver exited (" + driver.exitValue() + "); see " + dir.resolve("driver.log"));
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new AssertionError("driver gave no '" + ok + "' to '" + cmd + "' within " + timeout);
  }

  /** The cluster's status document (through the sentinels, from the driver's host), or null if Redis does not answer. */
  public JsonObject snap() throws Exception {
    try {
      return new JsonObject(ask("snap", "SNAP ", "SNAP-ERR", Duration.ofSeconds(30)));
    } catch (IllegalStateException e) {
      if (!driver.isAlive()) throw e;
      return null;
    }
  }

  /** Polls {@link #snap} until {@code test} holds; returns the snapshot that satisfied it. */
  public JsonObject awaitSnap(String what, Duration timeout, Predicate<JsonObject> test) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      JsonObject s = snap();
      if (s != null) {
        last = s;
        if (test.test(s)) return s;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for: " + what + "; last status: "
        + (last == null ? "none" : last.getJsonArray("nodes").encode()));
  }

  /** The driver's output lines so far (jobs: {@code JOB <startMs> <endMs> ok|wrong|fail ...}). */
  public List<String> driverLines() {
    return List.copyOf(driverLines);
  }

  public static int alive(JsonObject status) {
    int n = 0;
    for (Object o : status.getJsonArray("nodes")) if ("ALIVE".equals(((JsonObject) o).getString("state"))) n++;
    return n;
  }

  /** The rows of {@code status}'s node table whose host is {@code host}'s address. */
  public List<JsonObject> rowsOf(JsonObject status, int host) {
    List<JsonObject> rows = new ArrayList<>();
    for (Object o : status.getJsonArray("nodes")) {
      JsonObject r = (JsonObject) o;
      if (hosts.address(host).equals(r.getString("host"))) rows.add(r);
    }
    return rows;
  }

  public String logOf(int host) {
    try {
      return Files.readString(dir.resolve(name(host) + ".log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      if (driverIn != null) driverIn.close();
    } catch (IOException ignored) {
      // killed below anyway
    }
    try {
      Files.write(dir.resolve("driver.out"), driverLines);
    } catch (IOException ignored) {
      // a record for whoever reads the logs; the test has its lines
    }
    for (Process p : processes) p.destroyForcibly();
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    hosts.close();
  }
}
