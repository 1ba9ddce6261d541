package io.ember.object;

import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: measures fetching a 100 MB object, 5 times, from memory and from a spilled file,
 * after 3 untimed-for-the-result fetches that let the JIT compile the receive path (a cold JVM's
 * first one or two fetches run at 100-200 MB/s), then 1 KB fetches sequential and 50 in flight.
 * {@code -Dbench.jvmArgs="-Drounds=N -Dwarmup=N"} change the counts.
 *
 * <pre>
 *   mvn -q test-compile exec:exec@transfer-bench                          # server and client in two Vert.x instances, one JVM
 *   mvn -q test-compile exec:exec@transfer-bench -Dbench.args=two-jvms    # the server in a child JVM (same classpath)
 * </pre>
 */
public final class TransferBench {
  static final int SIZE = 100_000_000;
  static final int ROUNDS = Integer.getInteger("rounds", 5);
  static final int WARMUP = Integer.getInteger("warmup", 3);
  static final ObjectId IN_MEMORY = ObjectId.of(new TaskId(1, 1), 0);
  static final ObjectId ON_DISK = ObjectId.of(new TaskId(2, 2), 0);
  static final ObjectId SMALL = ObjectId.of(new TaskId(3, 3), 0);

  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "one-jvm" : args[0];
    try {
      switch (mode) {
        case "serve" -> serve();
        case "two-jvms" -> twoJvms();
        default -> oneJvm();
      }
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1); // Vert.x threads would keep the JVM alive
    }
    System.exit(0);
  }

  private static void oneJvm() throws Exception {
    Vertx serverVertx = Vertx.vertx();
    int port = startServer(serverVertx, Files.createTempDirectory("ember-bench"));
    measure(port, "one JVM, two Vert.x instances");
    serverVertx.close().await();
  }

  private static void twoJvms() throws Exception {
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), TransferBench.class.getName(), "serve")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith("PORT ")) throw new IllegalStateException("server said: " + line);
      measure(Integer.parseInt(line.substring(5)), "two JVMs");
    } finally {
      server.getOutputStream().close(); // the server exits at end of stdin
      if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
    }
  }

  /** The child side of {@code two-jvms}: serves until its stdin closes. */
  private static void serve() throws Exception {
    Vertx vertx = Vertx.vertx();
    int port = startServer(vertx, Files.createTempDirectory("ember-bench"));
    System.out.println("PORT " + port);
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the parent to close our stdin
    }
    vertx.close().await();
  }

  private static int startServer(Vertx vertx, Path spill) {
    ObjectStore store = new ObjectStore(vertx, 150_000_000, 200_000_000, spill);
    Buffer value = TestBytes.random(SIZE, 1);
    store.put(SMALL, TestBytes.random(1000, 3)).await();
    store.put(ON_DISK, value).await();
    store.put(IN_MEMORY, value).await(); // over capacity with the first: ON_DISK is spilled
    if (store.spillPathIfOnDisk(ON_DISK) == null) throw new IllegalStateException("not spilled");
    return new TransferServer(vertx, store).listen("127.0.0.1", 0).await();
  }

  private static void measure(int port, String setup) throws Exception {
    Vertx clientVertx = Vertx.vertx();
    TransferClient client = new TransferClient(clientVertx, 200_000_000);
    long expected = TestBytes.checksum(TestBytes.random(SIZE, 1));
    for (ObjectId id : List.of(IN_MEMORY, ON_DISK)) {
      String source = id == IN_MEMORY ? "from memory" : "from spill file";
      List<Double> cold = rates(client, port, id, WARMUP, expected);
      long cpu0 = cpuNanos();
      List<Double> warm = rates(client, port, id, ROUNDS, expected);
      long cpuMsPerFetch = (cpuNanos() - cpu0) / ROUNDS / 1_000_000;
      System.out.printf("%s, %s: %s MB/s (median %.0f); this JVM's CPU %d ms per fetch incl. checksum;"
          + " first %d fetches (JIT warm-up, not counted): %s MB/s%n",
          setup, source, format(warm), median(warm), cpuMsPerFetch, WARMUP, format(cold));
    }
    smallObjects(client, port, setup);
    client.close().await();
    clientVertx.close().await();
  }

  /** Sequential and concurrent 1 KB fetches: the cost of one connection per fetch. */
  private static void smallObjects(TransferClient client, int port, String setup) {
    int n = 2000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      client.fetch("127.0.0.1", port, SMALL).await();
    }
    double sequentialUs = (System.nanoTime() - t0) / 1e3 / n;
    t0 = System.nanoTime();
    for (int batch = 0; batch < n / 50; batch++) {
      List<Future<Buffer>> inFlight = new ArrayList<>();
      for (int i = 0; i < 50; i++) inFlight.add(client.fetch("127.0.0.1", port, SMALL));
      Future.all(inFlight).await();
    }
    double perSecond = n / ((System.nanoTime() - t0) / 1e9);
    System.out.printf("%s, 1 KB objects: %.0f us per sequential fetch; %.0f fetches/s with 50 in flight%n",
        setup, sequentialUs, perSecond);
  }

  private static List<Double> rates(TransferClient client, int port, ObjectId id, int rounds, long expected) {
    List<Double> rates = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      Buffer got = client.fetch("127.0.0.1", port, id).await();
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (got.length() != SIZE || TestBytes.checksum(got) != expected) throw new AssertionError("corrupt transfer");
      rates.add(SIZE / 1e6 / seconds);
    }
    return rates;
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String format(List<Double> rates) {
    return rates.stream().map(r -> String.format("%.0f", r)).toList().toString();
  }

  private static double median(List<Double> rates) {
    List<Double> sorted = rates.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private TransferBench() {
  }

}
