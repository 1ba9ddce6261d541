package io.ember.bench;

import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.gcs.RedisProcess;
import io.ember.node.EmberNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code microbenchmark [--quick]}: starts a two-node cluster on this machine (this JVM is one
 * node and the driver, a second node runs in its own JVM), with every task recorded in Redis,
 * and prints one row per figure, modelled on Ray's {@code ray microbenchmark}.
 */
public final class Microbenchmark {
  private Microbenchmark() {}

  private static final Duration WAIT = Duration.ofSeconds(120);

  public static int run(String[] args) {
    boolean quick = Arrays.asList(args).contains("--quick");
    int scale = quick ? 10 : 1;
    Path dir;
    Process remote = null;
    EmberNode node = null;
    try {
      dir = Files.createTempDirectory("ember-bench");
      int redisPort = RedisProcess.freePort();
      int hzBase = freeRange(6);
      String cluster = "ember-bench-" + UUID.randomUUID().toString().substring(0, 8);
      JsonObject local = conf(cluster, hzBase, "bench-local", dir)
          .put("redis", new JsonObject().put("embedded", true).put("port", redisPort).put("dataDir", dir.resolve("redis").toString()));
      node = EmberNode.start(local, "microbenchmark(local)").toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      JsonObject far = conf(cluster, hzBase, "bench-remote", dir)
          .put("redis", new JsonObject().put("embedded", false).put("host", "127.0.0.1").put("port", redisPort));
      Path farConf = dir.resolve("remote.json");
      Files.writeString(farConf, far.encode());
      remote = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
          "-cp", System.getProperty("java.class.path"), "io.ember.node.Main", "-cluster", "-conf", farConf.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("remote.log").toFile()).start();
      EmberClient ember = node.client();
      long deadline = System.currentTimeMillis() + 90_000;
      while (node.runtime().view.alive().size() < 2) {
        if (System.currentTimeMillis() > deadline || !remote.isAlive()) throw new IllegalStateException("the second node did not join; see " + dir.resolve("remote.log"));
        TimeUnit.MILLISECONDS.sleep(100);
      }
      System.out.printf("Ember microbenchmark: 2 nodes on this machine (%d cores), Redis %d; every task recorded in Redis%n",
          Runtime.getRuntime().availableProcessors(), redisPort);
      warmUp(ember);
      syncTasks(ember, "single client tasks sync (local)", 20_000 / scale, null);
      asyncTasks(ember, "single client tasks async (local)", 200_000 / scale, null);
      putCalls(ember, 100_000 / scale);
      getCalls(ember, 200_000 / scale);
      syncTasks(ember, "single client tasks sync (cross-node)", 10_000 / scale, "node:bench-remote");
      asyncTasks(ember, "cross-node tasks async", 100_000 / scale, "node:bench-remote");
      transfer(ember, "1 MB object transfer (cross-node)", 1 << 20, 200 / scale);
      transfer(ember, "100 MB object transfer (cross-node)", 100 << 20, quick ? 2 : 5);
      return 0;
    } catch (Exception e) {
      System.err.println("microbenchmark failed: " + e);
      e.printStackTrace();
      return 1;
    } finally {
      if (remote != null) remote.destroyForcibly();
      if (node != null) node.stop().toCompletionStage().toCompletableFuture().join();
    }
  }

  private static JsonObject conf(String cluster, int hzBase, String name, Path dir) {
    JsonArray members = new JsonArray();
    for (int p = hzBase; p < hzBase + 6; p++) members.add("127.0.0.1:" + p);
    return new JsonObject()
        .put("node", new JsonObject().put("name", name).put("dataDir", dir.resolve(name).toString()))
        .put("cluster", new JsonObject().put("name", cluster).put("port", hzBase).put("members", members));
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

  private static void syncTasks(EmberClient ember, String name, int n, String pin) {
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
    row(name, n / ((System.nanoTime() - t0) / 1e9), "tasks/s", "(" + window + " in flight)");
  }

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

  private static void transfer(EmberClient ember, String name, int size, int reps) {
    // produce the objects on the remote node first, then time only moving them here
    List<ObjectRef<byte[]>> refs = new ArrayList<>();
    for (int i = 0; i < reps; i++) refs.add(ember.task(BenchFns::filled, size, i).resource("node:bench-remote", 0.001).remote());
    List<ObjectRef<Integer>> ready = new ArrayList<>();
    for (ObjectRef<byte[]> r : refs) ready.add(ember.task(BenchFns::size, r).resource("node:bench-remote", 0.001).remote());
    for (ObjectRef<Integer> r : ready) r.get(WAIT);
    long t0 = System.nanoTime();
    long bytes = 0;
    for (ObjectRef<byte[]> r : refs) bytes += r.get(WAIT).length;
    double secs = (System.nanoTime() - t0) / 1e9;
    row(name, bytes / 1e6 / secs, "MB/s", "(" + reps + " objects, one at a time, TCP transfer + store)");
  }

  static int freeRange(int count) throws java.io.IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20000 + (int) (Math.random() * 30000);
      boolean ok = true;
      for (int p = base; p < base + count && ok; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (java.io.IOException busy) {
          ok = false;
        }
      }
      if (ok) return base;
    }
    throw new java.io.IOException("no free range of " + count + " ports");
  }
}
