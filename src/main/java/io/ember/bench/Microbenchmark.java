package io.ember.bench;

import io.ember.api.ActorHandle;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.examples.Counter;
import io.ember.gcs.Gcs;
import io.ember.gcs.RedisProcess;
import io.ember.ids.NodeId;
import io.ember.logs.Logs;
import io.ember.monitor.ClusterView;
import io.ember.node.EmberNode;
import io.ember.node.Ports;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code microbenchmark [--quick] [--no-failures] [--actors] [--replica-acks N]}: starts a two-node cluster on this machine
 * (this JVM is one node and the driver, a second node runs in its own JVM), with every task
 * recorded in Redis, and prints one row per figure, modelled on Ray's {@code ray
 * microbenchmark}. Then it starts throw-away node JVMs, kills ({@code kill -9}) or freezes
 * ({@code SIGSTOP}) them, and times how long until the acting monitor's verdict reaches this node.
 * {@code --replica-acks N}: Redis gets one replica and the nodes {@code redis.minReplicaAcks = N}
 * (see {@link BenchReplica}).
 */
public final class Microbenchmark {
  private Microbenchmark() {}

  private static final Duration WAIT = Duration.ofSeconds(120);

  public static int run(String[] args) {
    boolean quick = Arrays.asList(args).contains("--quick");
    int scale = quick ? 10 : 1;
    Path dir;
    Process remote = null, replica = null;
    EmberNode node = null;
    try {
      dir = Files.createTempDirectory("ember-bench");
      int redisPort = RedisProcess.freePort();
      int hzBase = Ports.freeRange(6);
      String cluster = "ember-bench-" + UUID.randomUUID().toString().substring(0, 8);
      int acks = BenchReplica.acksAsked(args);
      JsonObject local = conf(cluster, hzBase, "bench-local", dir)
          .put("redis", new JsonObject().put("embedded", true).put("port", redisPort).put("dataDir", dir.resolve("redis").toString())
              .put("minReplicaAcks", Math.max(0, acks)));
      if (acks >= 0) replica = BenchReplica.start(dir, redisPort, local);
      node = EmberNode.start(local, "microbenchmark(local)").toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      JsonObject far = conf(cluster, hzBase, "bench-remote", dir)
          .put("redis", new JsonObject().put("embedded", false).put("host", "127.0.0.1").put("port", redisPort)
              .put("minReplicaAcks", Math.max(0, acks)));
      Path farConf = dir.resolve("remote.json");
      Files.writeString(farConf, far.encode());
      remote = new ProcessBuilder(NodeJvm.command("-Xmx2g", "-cluster", "-conf", farConf.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("remote.log").toFile()).start();
      EmberClient ember = node.client();
      localGcs = node.node().gcs();
      long deadline = System.currentTimeMillis() + 90_000;
      while (node.node().view().alive().size() < 2) {
        if (System.currentTimeMillis() > deadline || !remote.isAlive()) throw new IllegalStateException("the second node did not join; see " + dir.resolve("remote.log"));
        TimeUnit.MILLISECONDS.sleep(100);
      }
      System.out.printf("Ember microbenchmark: 2 nodes on this machine (%d cores), Redis %d%s; every task recorded in Redis; logs in %s%n",
          Runtime.getRuntime().availableProcessors(), redisPort, acks < 0 ? "" : " with one replica, minReplicaAcks " + acks,
          (Logs.file() == null ? "the console" : Logs.file()) + " and " + dir + "/*.log"); // stdout holds the rows alone
      warmUp(ember);
      boolean actorsOnly = Arrays.asList(args).contains("--actors");
      if (!actorsOnly) {
        syncTasks(ember, "single client tasks sync (local)", 20_000 / scale, null);
        asyncTasks(ember, "single client tasks async (local)", 200_000 / scale, null);
        putCalls(ember, 100_000 / scale);
        getCalls(ember, 200_000 / scale);
        syncTasks(ember, "single client tasks sync (cross-node)", 10_000 / scale, "node:bench-remote");
        asyncTasks(ember, "cross-node tasks async", 100_000 / scale, "node:bench-remote");
      }
      actorSync(ember, "1:1 actor calls sync (local)", 20_000 / scale, "bench-local");
      actorAsync(ember, "1:1 actor calls async (local)", 200_000 / scale, "bench-local");
      actorSync(ember, "1:1 actor calls sync (cross-node)", 10_000 / scale, "bench-remote");
      actorAsync(ember, "1:1 actor calls async (cross-node)", 100_000 / scale, "bench-remote");
      if (!actorsOnly) {
        transfer(ember, "1 MB object transfer (cross-node)", 1 << 20, 200 / scale);
        transfer(ember, "100 MB object transfer (cross-node)", 100 << 20, quick ? 2 : 5);
      }
      if (!Arrays.asList(args).contains("--no-failures")) {
        Failures f = new Failures(node, cluster, hzBase, redisPort, dir);
        if (!actorsOnly) {
          f.detection("kill -9 to node marked dead", "KILL", quick ? 1 : 5);
          f.detection("SIGSTOP to node marked dead", "STOP", quick ? 1 : 5);
        }
        f.actorServing("kill -9 to actor serving (1,000 calls logged)", 0, quick ? 1 : 3);
        f.actorServing("same, with a checkpoint every 100 calls", 100, quick ? 1 : 3);
        f.actorsRecreated(1000, quick ? 1 : 3);
      }
      return 0;
    } catch (Exception e) {
      System.err.println("microbenchmark failed: " + e);
      e.printStackTrace();
      return 1;
    } finally {
      if (remote != null) remote.destroyForcibly();
      if (node != null) node.stop().toCompletionStage().toCompletableFuture().join();
      if (replica != null) replica.destroyForcibly();   // after the node: its last writes wait for the replica
    }
  }

  /** Starts throw-away node JVMs, fails them, and times how long until this node hears the verdict. */
  private static final class Failures {
    private final EmberNode node;
    private final String cluster;
    private final int hzBase;
    private final int redisPort;
    private final Path dir;
    private int started;

    Failures(EmberNode node, String cluster, int hzBase, int redisPort, Path dir) {
      this.node = node;
      this.cluster = cluster;
      this.hzBase = hzBase;
      this.redisPort = redisPort;
      this.dir = dir;
    }

    void detection(String name, String signal, int runs) throws Exception {
      long[] ms = new long[runs];
      for (int i = 0; i < runs; i++) ms[i] = once(signal);
      Arrays.sort(ms);
      row(name, ms[runs / 2], "ms", String.format("(median of %d; min %d, max %d; heartbeat %d/%d ms)", runs, ms[0], ms[runs - 1],
          node.node().conf().heartbeat().intervalMs(), node.node().conf().heartbeat().timeoutMs()));
    }

    /** A node JVM that joined: its process, name and id. */
    private record Victim(Process process, String name, NodeId id) {}

    private Victim startVictim() throws Exception {
      String name = "victim-" + (started++);
      JsonObject c = conf(cluster, hzBase, name, dir)
          .put("redis", new JsonObject().put("embedded", false).put("host", "127.0.0.1").put("port", redisPort));
      Path file = dir.resolve(name + ".json");
      Files.writeString(file, c.encode());
      Process p = new ProcessBuilder(NodeJvm.command("-Xmx512m", "-cluster", "-conf", file.toString())).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
      try {
        ClusterView view = node.node().view();
        long deadline = System.currentTimeMillis() + 90_000;
        NodeId id = null;
        while (id == null) {
          for (ClusterView.Peer peer : view.alive()) {
            if (peer.resources.containsKey("node:" + name)) id = peer.id;
          }
          if (System.currentTimeMillis() > deadline) throw new IllegalStateException(name + " did not join");
          TimeUnit.MILLISECONDS.sleep(20);
        }
        TimeUnit.MILLISECONDS.sleep(1000); // let it settle into steady heartbeats
        return new Victim(p, name, id);
      } catch (Exception | Error e) {
        p.destroyForcibly();
        throw e;
      }
    }

    private long once(String signal) throws Exception {
      Victim v = startVictim();
      Process p = v.process();
      NodeId id = v.id();
      String name = v.name();
      ClusterView view = node.node().view();
      try {
        long t0 = System.nanoTime();
        if (signal.equals("KILL")) p.destroyForcibly();
        else new ProcessBuilder("kill", "-STOP", Long.toString(p.pid())).start().waitFor();
        while (!view.isDead(id)) {
          if (System.nanoTime() - t0 > 30_000_000_000L) throw new IllegalStateException(name + " was not declared dead in 30 s");
          TimeUnit.MILLISECONDS.sleep(2);
        }
        return (System.nanoTime() - t0) / 1_000_000;
      } finally {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }

    /** An actor with 1,000 logged calls on a node JVM; kill -9 it; time until a call is answered by the recreated actor. */
    void actorServing(String name, int checkpointEvery, int runs) throws Exception {
      long[] ms = new long[runs];
      for (int i = 0; i < runs; i++) {
        Victim v = startVictim();
        try {
          EmberClient ember = node.client();
          ActorHandle<Counter> c = ember.actor(Counter::new)
              .onNode(v.name()).checkpointEvery(checkpointEvery, Duration.ZERO).remote();
          List<ObjectRef<Long>> refs = new ArrayList<>();
          for (int k = 0; k < 1000; k++) refs.add(c.task(Counter::incr, 1).remote());
          if (refs.get(999).get(WAIT) != 1000L) throw new IllegalStateException("counter is not at 1000");
          long t0 = System.nanoTime();
          v.process().destroyForcibly();
          long got = c.task(Counter::get).remote().get(WAIT);
          ms[i] = (System.nanoTime() - t0) / 1_000_000;
          if (got != 1000L) throw new IllegalStateException("the recreated counter is at " + got + ", not 1000");
        } finally {
          v.process().destroyForcibly();
          v.process().waitFor(10, TimeUnit.SECONDS);
        }
      }
      Arrays.sort(ms);
      row(name, ms[runs / 2], "ms", String.format("(median of %d; min %d, max %d; includes detection)", runs, ms[0], ms[runs - 1]));
    }

    /** n actors on a node JVM; kill -9 it; time until every one of them has answered a call again. */
    void actorsRecreated(int n, int runs) throws Exception {
      long[] ms = new long[runs];
      long[] afterVerdict = new long[runs];
      for (int i = 0; i < runs; i++) {
        Victim v = startVictim();
        try {
          EmberClient ember = node.client();
          List<ActorHandle<BenchActor>> actors = new ArrayList<>();
          for (int k = 0; k < n; k++) actors.add(ember.actor(BenchActor::new).onNode(v.name()).remote());
          List<Future<Long>> first = new ArrayList<>();
          for (var a : actors) first.add(a.task(BenchActor::noop).remote().toFuture());
          Future.all(first).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
          long t0 = System.nanoTime();
          v.process().destroyForcibly();
          List<Future<Long>> again = new ArrayList<>();
          for (var a : actors) again.add(a.task(BenchActor::noop).remote().toFuture());
          while (!node.node().view().isDead(v.id())) TimeUnit.MILLISECONDS.sleep(1);
          long dead = System.nanoTime();
          Future.all(again).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
          long t1 = System.nanoTime();
          for (Future<Long> f : again) if (f.result() != 2L) throw new IllegalStateException("an actor answered " + f.result() + ", not 2");
          ms[i] = (t1 - t0) / 1_000_000;
          afterVerdict[i] = (t1 - dead) / 1_000_000;
        } finally {
          v.process().destroyForcibly();
          v.process().waitFor(10, TimeUnit.SECONDS);
        }
      }
      Arrays.sort(ms);
      Arrays.sort(afterVerdict);
      row(String.format("%,d actors of a killed node serving", n), ms[runs / 2], "ms", String.format(
          "(median of %d, min %d, max %d, from kill -9; from the verdict: %d ms median = %.0f actors/s)", runs, ms[0], ms[runs - 1],
          afterVerdict[runs / 2], n * 1000.0 / Math.max(1, afterVerdict[runs / 2])));
    }
  }

  /** One secret file for both nodes; {@code -Dember.bench.tls=false} measures without TLS. */
  private static JsonObject conf(String cluster, int hzBase, String name, Path dir) {
    JsonArray members = new JsonArray();
    for (int p = hzBase; p < hzBase + 6; p++) members.add("127.0.0.1:" + p);
    return new JsonObject().put("node", new JsonObject().put("name", name).put("dataDir", dir.resolve(name).toString()))
        .put("cluster", new JsonObject().put("name", cluster).put("port", hzBase).put("members", members)
            .put("secretFile", dir.resolve("cluster.secret").toString()).put("tls", !"false".equals(System.getProperty("ember.bench.tls"))))
        .put("dashboard", new JsonObject().put("port", 0)); // the benchmark's nodes serve none
  }

  static void row(String name, double value, String unit, String extra) {
    System.out.printf("%-42s %14.1f %-8s %s%n", name, value, unit, extra == null ? "" : extra);
  }

  private static void warmUp(EmberClient ember) {
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) refs.add(ember.task(BenchFns::identity, i).remote());
    for (ObjectRef<Integer> r : refs) r.get(WAIT);
    for (int i = 0; i < 2_000; i++) ember.task(BenchFns::noop).resource("node:bench-remote", 0.001).remote().get(WAIT);
  }

  private static void syncTasks(EmberClient ember, String name, int n, String pin) throws Exception {
    awaitRecorded(ember);
    long[] lat = new long[n];
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      var call = ember.task(BenchFns::noop);
      if (pin != null) call.resource(pin, 0.001);
      call.remote().get(WAIT);
      lat[i] = System.nanoTime() - s;
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    Arrays.sort(lat);
    row(name, n / secs, "tasks/s", String.format("p50 %.3f ms, p99 %.3f ms", lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6));
  }

  private static void asyncTasks(EmberClient ember, String name, int n, String pin) throws Exception {
    int window = 10_000;
    List<Future<Integer>> inFlight = new ArrayList<>(window);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      var call = ember.task(BenchFns::identity, i);
      if (pin != null) call.resource(pin, 0.001);
      inFlight.add(call.remote().toFuture());
      if (inFlight.size() == window) {
        Future.all(inFlight).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        inFlight.clear();
      }
    }
    Future.all(inFlight).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    double done = (System.nanoTime() - t0) / 1e9;
    awaitRecorded(ember);
    double recorded = (System.nanoTime() - t0) / 1e9;
    row(name, n / recorded, "tasks/s", String.format("(%d in flight; until every task is FINISHED in Redis; results alone: %.0f/s)",
        window, n / done));
  }

  /**
   * Waits until Redis has caught up with every task this run finished, so that the next row is
   * not measured while the last one's writes are still draining, and so that throughput rows
   * count tasks recorded, not merely computed.
   */
  static void awaitRecorded(EmberClient ember) throws Exception {
    Gcs gcs = localGcs;
    long deadline = System.currentTimeMillis() + 300_000;
    for (;;) {
      Map<String, Long> c = gcs.counts().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      long open = c.getOrDefault("task.PENDING", 0L) + c.getOrDefault("task.QUEUED", 0L) + c.getOrDefault("task.RUNNING", 0L);
      if (open == 0) return;
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException(open + " tasks still not recorded as finished");
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  static Gcs localGcs;

  private static void putCalls(EmberClient ember, int n) throws Exception {
    List<Future<Integer>> stored = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) stored.add(ember.put(i).toFuture());
    Future.all(stored).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    row("single client put calls", n / ((System.nanoTime() - t0) / 1e9), "calls/s", "(small values, stored)");
  }

  private static void getCalls(EmberClient ember, int n) {
    ObjectRef<Integer> ref = ember.put(42);
    ref.get(WAIT);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) ref.get(WAIT);
    row("single client get calls", n / ((System.nanoTime() - t0) / 1e9), "calls/s", "(small local object, blocking get)");
  }

  private static void actorSync(EmberClient ember, String name, int n, String nodeName) {
    ActorHandle<BenchActor> a = ember.actor(BenchActor::new).onNode(nodeName).remote();
    for (int i = 0; i < 2_000; i++) a.task(BenchActor::noop).remote().get(WAIT); // warm-up
    long[] lat = new long[n];
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      a.task(BenchActor::noop).remote().get(WAIT);
      lat[i] = System.nanoTime() - s;
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    Arrays.sort(lat);
    row(name, n / secs, "calls/s", String.format("p50 %.3f ms, p99 %.3f ms (each call logged in Redis before its result)",
        lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6));
  }

  private static void actorAsync(EmberClient ember, String name, int n, String nodeName) throws Exception {
    ActorHandle<BenchActor> a = ember.actor(BenchActor::new).onNode(nodeName).remote();
    a.task(BenchActor::noop).remote().get(WAIT);
    int window = 10_000;
    List<Future<Integer>> inFlight = new ArrayList<>(window);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.add(a.task(BenchActor::identity, i).remote().toFuture());
      if (inFlight.size() == window) {
        Future.all(inFlight).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        inFlight.clear();
      }
    }
    Future.all(inFlight).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    double secs = (System.nanoTime() - t0) / 1e9;
    row(name, n / secs, "calls/s", String.format("(%d in flight; a result is released once its call is logged in Redis)", window));
  }

  private static void transfer(EmberClient ember, String name, int size, int reps) throws Exception {
    // produce the objects on the remote node first, then time only moving them here; the first
    // two are moved untimed (JIT warm-up, as in Ray's microbenchmark)
    reps += 2;
    List<ObjectRef<byte[]>> refs = new ArrayList<>();
    for (int i = 0; i < reps; i++) refs.add(ember.task(BenchFns::filled, size, i).resource("node:bench-remote", 0.001).remote());
    List<ObjectRef<Integer>> ready = new ArrayList<>();
    for (ObjectRef<byte[]> r : refs) ready.add(ember.task(BenchFns::size, r).resource("node:bench-remote", 0.001).remote());
    for (ObjectRef<Integer> r : ready) r.get(WAIT);
    awaitRecorded(ember);
    refs.get(0).get(WAIT);
    refs.get(1).get(WAIT);
    long t0 = System.nanoTime();
    long bytes = 0;
    for (ObjectRef<byte[]> r : refs.subList(2, refs.size())) bytes += r.get(WAIT).length;
    double secs = (System.nanoTime() - t0) / 1e9;
    row(name, bytes / 1e6 / secs, "MB/s", "(" + (reps - 2) + " objects after 2 warm-up ones, one at a time: TCP transfer, store, decode)");
  }
}
