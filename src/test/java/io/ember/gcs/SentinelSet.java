package io.ember.gcs;

import io.ember.testing.LocalCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis high-availability set on loopback for tests and benches: a primary, one replica
 * and three Sentinels (quorum 2, {@code down-after-milliseconds} {@value #DOWN_AFTER_MS},
 * {@code failover-timeout} {@value #FAILOVER_TIMEOUT_MS}), all the bundled redis-server binary on
 * free ports, each under the same stdin guard as {@link RedisProcess} (they die with this JVM).
 * Each Sentinel gets a writable conf file of its own in the set's directory (Sentinel rewrites it).
 *
 * <p>Faults: {@link #killPrimary} ({@code kill -9}), {@link #freezePrimary} / {@link #resume}
 * ({@code SIGSTOP} / {@code SIGCONT}); {@link #awaitPromoted} polls the Sentinels (with a
 * deadline) until they name another server and that server says it is a master.
 * {@link #close} stops every process. Blocking: test threads only, never an event loop.
 */
public final class SentinelSet implements AutoCloseable {
  public static final String MASTER = "ember";
  static final int DOWN_AFTER_MS = 1000;
  static final int FAILOVER_TIMEOUT_MS = 2000;
  private static final String HOST = "127.0.0.1";

  /** One redis-server process of the set (a data server or a Sentinel). */
  public static final class Server {
    final Process guard;
    final ProcessHandle process;
    public final int port;
    final Path dir;

    Server(Process guard, ProcessHandle process, int port, Path dir) {
      this.guard = guard;
      this.process = process;
      this.port = port;
      this.dir = dir;
    }

    public long pid() {
      return process.pid();
    }

    void stop() {
      process.destroyForcibly();
      RedisProcess.exited(process, 10);
      try {
        guard.getOutputStream().close();
      } catch (IOException ignored) {
        // the guard is gone already
      }
      RedisProcess.exited(guard.toHandle(), 5);
    }
  }

  private final Path dir;
  private final Path binary;
  private final List<Server> data = new ArrayList<>();
  private final List<Server> sentinels = new ArrayList<>();
  private final List<Server> strays = new ArrayList<>();
  private volatile Server primary;
  /** The fixture's own look at each server (pooled clients: they reconnect by themselves). */
  private final Vertx vertx = Vertx.vertx();
  private final Map<Integer, Redis> clients = new ConcurrentHashMap<>();

  private SentinelSet(Path dir) throws IOException {
    this.dir = dir;
    this.binary = RedisProcess.binary(null);
  }

  /** Starts the set in {@code dir} and waits until the replica is in sync and every Sentinel knows the others. */
  public static SentinelSet start(Path dir) throws Exception {
    SentinelSet s = new SentinelSet(dir);
    try {
      s.primary = s.dataServer("primary", null);
      Server replica = s.dataServer("replica", s.primary.port);
      s.awaitInfo(replica, "replication", "master_link_status:up", Duration.ofSeconds(20));
      for (int i = 0; i < 3; i++) s.sentinels.add(s.sentinel("sentinel-" + i, s.primary.port));
      for (Server sentinel : s.sentinels) s.awaitSentinelReady(sentinel, Duration.ofSeconds(20));
      return s;
    } catch (Exception | Error e) {
      s.close();
      throw e;
    }
  }

  /** The Sentinel endpoint of this set's master. */
  public RedisEndpoint endpoint() {
    List<String> list = new ArrayList<>();
    for (Server s : sentinels) list.add(HOST + ":" + s.port);
    return RedisEndpoint.sentinel(list, MASTER);
  }

  /** The conf of a node or a driver that reaches this set: {@code redis.sentinels} and {@code redis.masterName}. */
  public JsonObject redisConf() {
    JsonArray list = new JsonArray();
    for (Server s : sentinels) list.add(HOST + ":" + s.port);
    return new JsonObject().put("sentinels", list).put("masterName", MASTER).put("password", ""); // these run without one
  }

  /** The primary as last known here (started, or found by {@link #awaitPromoted}). */
  public Server primary() {
    return primary;
  }

  /** {@code kill -9} of the current primary; returns it. */
  public Server killPrimary() {
    Server p = primary;
    p.process.destroyForcibly();
    RedisProcess.exited(p.process, 10);
    return p;
  }

  /** {@code kill -STOP} of the current primary; returns it. */
  public Server freezePrimary() throws Exception {
    Server p = primary;
    signal("STOP", p.pid());
    return p;
  }

  /** {@code kill -CONT} of {@code s}. */
  public void resume(Server s) throws Exception {
    signal("CONT", s.pid());
  }

  /**
   * Polls until a Sentinel names a primary other than {@code old} and that server answers
   * {@code ROLE} as a master; returns it (and it becomes {@link #primary()}).
   */
  public Server awaitPromoted(Server old, Duration timeout) throws Exception {
    Server[] found = new Server[1];
    LocalCluster.poll("a Sentinel names a promoted primary instead of port " + old.port, timeout, () -> {
      for (Server sentinel : sentinels) {
        Response addr = ask(sentinel, Request.cmd(Command.SENTINEL).arg("get-master-addr-by-name").arg(MASTER));
        if (addr == null || addr.size() < 2 || addr.get(1).toInteger() == old.port) continue;
        int port = addr.get(1).toInteger();
        for (Server s : data) {
          Response role = s.port == port ? ask(s, Request.cmd(Command.ROLE)) : null;
          if (role != null && "master".equals(role.get(0).toString())) {
            found[0] = s;
            return true;
          }
        }
      }
      return false;
    });
    primary = found[0];
    return found[0];
  }

  /**
   * A fourth sentinel, not one of {@link #sentinels()}, monitoring {@link #MASTER} at
   * {@code primaryPort} on its own (it learns of no other sentinel unless that primary answers):
   * given a dead primary's port, it names that primary for ever, as a sentinel that missed the
   * failover does. Stopped by {@link #close}.
   */
  public Server straySentinel(int primaryPort) throws IOException {
    Server s = sentinel("stray-sentinel-" + strays.size(), primaryPort);
    strays.add(s);
    return s;
  }

  /** The three Sentinels. */
  public List<Server> sentinels() {
    return List.copyOf(sentinels);
  }

  /** The data servers (primary first as started, then the replica). */
  public List<Server> dataServers() {
    return List.copyOf(data);
  }

  private Server dataServer(String name, Integer replicaOf) throws IOException {
    List<String> extra = replicaOf == null ? List.of() : List.of("--replicaof", HOST, Integer.toString(replicaOf));
    Server s = dataServer(dir.resolve(name), RedisProcess.freePort(), extra);
    data.add(s);
    awaitAnswer(s, Duration.ofSeconds(10));
    return s;
  }

  /**
   * A redis-server on {@code port} with its data (append-only) in {@code d} and {@code extra}
   * options, not waited for: tests that need a Redis started with options of their own
   * ({@code --key-load-delay}, {@code --replicaof}) use it too.
   */
  static Server dataServer(Path d, int port, List<String> extra) throws IOException {
    Files.createDirectories(d);
    List<String> args = new ArrayList<>(List.of("--bind", HOST, "--port", Integer.toString(port), "--dir", d.toString(),
        "--appendonly", "yes", "--save", "", "--protected-mode", "no", "--daemonize", "no",
        "--logfile", d.resolve("redis.log").toString()));
    args.addAll(extra);
    return launch(RedisProcess.binary(null), d, port, args);
  }

  private Server sentinel(String name, int primaryPort) throws IOException {
    int port = RedisProcess.freePort();
    Path d = Files.createDirectories(dir.resolve(name));
    Path conf = d.resolve("sentinel.conf");
    Files.writeString(conf, String.join("\n",
        "port " + port, "bind " + HOST, "protected-mode no", "daemonize no", "dir " + d,
        "logfile " + d.resolve("sentinel.log"),
        "sentinel monitor " + MASTER + " " + HOST + " " + primaryPort + " 2",
        "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER_MS,
        "sentinel failover-timeout " + MASTER + " " + FAILOVER_TIMEOUT_MS,
        "sentinel parallel-syncs " + MASTER + " 1", ""));
    Server s = launch(binary, d, port, List.of(conf.toString(), "--sentinel"));
    awaitAnswer(s, Duration.ofSeconds(10));
    return s;
  }

  private static Server launch(Path binary, Path d, int port, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("sh", "-c", RedisProcess.GUARD, RedisProcess.GUARD_NAME, binary.toString()));
    command.addAll(args);
    Process guard = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(d.resolve("redis.out").toFile())).start();
    try {
      LocalCluster.poll("redis-server started in " + d, Duration.ofSeconds(10),
          () -> guard.toHandle().children().findAny().isPresent() || !guard.isAlive());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!guard.isAlive()) throw new IOException("redis-server exited at once in " + d + " (see redis.out there)");
    return new Server(guard, guard.toHandle().children().findFirst().orElseThrow(), port, d);
  }

  private void awaitAnswer(Server s, Duration timeout) {
    try {
      LocalCluster.poll("redis-server on port " + s.port + " answers PING", timeout,
          () -> ask(s, Request.cmd(Command.PING)) != null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitInfo(Server s, String section, String line, Duration timeout) throws InterruptedException {
    LocalCluster.poll("port " + s.port + " reports " + line, timeout, () -> {
      Response info = ask(s, Request.cmd(Command.INFO).arg(section));
      return info != null && info.toString().contains(line);
    });
  }

  /** A Sentinel is ready once it knows the replica and both other Sentinels (so a quorum can vote). */
  private void awaitSentinelReady(Server sentinel, Duration timeout) throws InterruptedException {
    LocalCluster.poll("sentinel " + sentinel.port + " knows the replica and the 2 other sentinels", timeout, () -> {
      Response replicas = ask(sentinel, Request.cmd(Command.SENTINEL).arg("replicas").arg(MASTER));
      Response others = ask(sentinel, Request.cmd(Command.SENTINEL).arg("sentinels").arg(MASTER));
      return replicas != null && replicas.size() >= 1 && others != null && others.size() >= 2;
    });
  }

  /** One request (at most 1 s); null if the server does not answer or answers an error. */
  public Response ask(Server s, Request request) {
    Redis client = clients.computeIfAbsent(s.port, p -> Redis.createClient(vertx, RedisEndpoint.standalone(HOST, p).options()));
    try {
      return client.send(request).toCompletionStage().toCompletableFuture().get(1, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  private static void signal(String sig, long pid) throws Exception {
    Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    if (k.waitFor() != 0) throw new IllegalStateException("kill -" + sig + " " + pid + " failed");
  }

  @Override
  public void close() {
    for (Server s : sentinels) s.stop();
    for (Server s : strays) s.stop();
    for (Server s : data) s.stop();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // its threads go with the JVM
    }
    try {
      GcsTesting.deleteTree(dir);
    } catch (IOException ignored) {
      // a temp directory: left for the OS
    }
  }
}
