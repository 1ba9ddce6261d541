package io.ember.gcs;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.embedded.core.ExecutableProvider;

/**
 * A redis-server child process that this JVM owns: the embedded GCS of a single-machine
 * cluster, and the Redis that tests start, kill and restart.
 *
 * <p>Data lives under {@code dataDir} with {@code appendonly yes} and no RDB snapshots, so a
 * restart on the same directory (even after {@code kill -9}) gives the data back. Logs go to
 * {@code dataDir/redis.log} (and whatever redis-server prints before reading its options to
 * {@code dataDir/redis.out}).
 *
 * <p>Its methods block (start waits for PING, stop waits for exit): call them at start-up or
 * shutdown, or from a worker, never from an event loop. It never downloads a binary.
 */
public final class RedisProcess implements AutoCloseable {
  private static final long START_DEADLINE_MS = 10_000;
  private static File extracted;

  private final Process process;
  private final String host;
  private final int port;
  private final Thread shutdownHook;

  private RedisProcess(Process process, String host, int port) {
    this.process = process;
    this.host = host;
    this.port = port;
    this.shutdownHook = new Thread(process::destroyForcibly, "redis-server-" + port + "-reaper");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * The redis-server to run: {@code configuredOrNull} if given (it must exist and be
   * executable), else {@code redis-server} on the PATH, else the Linux x86-64 binary shipped in
   * the embedded-redis jar (extracted once per JVM).
   */
  public static Path binary(String configuredOrNull) throws IOException {
    if (configuredOrNull != null) {
      Path p = Path.of(configuredOrNull);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new IllegalArgumentException("redis-server binary '" + configuredOrNull
            + "' does not exist or is not executable");
      }
      return p;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
        if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
      }
    }
    return jarBinary();
  }

  private static synchronized Path jarBinary() throws IOException {
    if (extracted == null || !extracted.canExecute()) {
      File f = ExecutableProvider.newJarResourceProvider().get();
      if (!f.canExecute() && !f.setExecutable(true)) {
        throw new IOException("cannot make the extracted redis-server executable: " + f);
      }
      extracted = f;
    }
    return extracted.toPath();
  }

  /**
   * Starts redis-server on {@code host:port} with its data under {@code dataDir} and waits (at
   * most 10 s) until it answers PING.
   *
   * @throws IOException naming the port and quoting the log's last lines if it does not answer
   */
  public static RedisProcess start(Path binary, String host, int port, Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path log = dataDir.resolve("redis.log");
    Path out = dataDir.resolve("redis.out");
    ProcessBuilder pb = new ProcessBuilder(List.of(binary.toString(),
        "--bind", host, "--port", Integer.toString(port), "--dir", dataDir.toAbsolutePath().toString(),
        "--appendonly", "yes", "--save", "", "--protected-mode", "no", "--daemonize", "no",
        "--logfile", log.toAbsolutePath().toString(),
        // Task rows carry a ~100-byte spec: above the default 64 a row becomes a hash table (a
        // dict and two allocations per field); kept compact, a row is one allocation. (An
        // external Redis should be configured the same; the name is an alias in Redis 7.)
        "--hash-max-ziplist-value", "512"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    RedisProcess redis = new RedisProcess(pb.start(), host, port);
    try {
      redis.awaitPing(dataDir);
      return redis;
    } catch (IOException | RuntimeException e) {
      redis.kill();
      throw e;
    }
  }

  private void awaitPing(Path dataDir) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_DEADLINE_MS);
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        last = "redis-server exited with " + process.exitValue();
        break;
      }
      last = ping();
      if (last.startsWith("+PONG")) return;
      pause();
    }
    throw new IOException("redis-server on port " + port + " did not answer PING within "
        + START_DEADLINE_MS + " ms (" + last + "); last log lines:\n" + tail(dataDir));
  }

  private String ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      s.setSoTimeout(500);
      OutputStream o = s.getOutputStream();
      o.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256];
      int n = in.read(buf);
      return n <= 0 ? "closed" : new String(buf, 0, n, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Start-up only (never on an event loop): waits a little between PING attempts. */
  private static void pause() throws IOException {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for redis-server", e);
    }
  }

  private static String tail(Path dataDir) {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("redis.out", "redis.log")) {
      try {
        List<String> lines = Files.readAllLines(dataDir.resolve(name), StandardCharsets.UTF_8);
        lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(l -> sb.append(l).append('\n'));
      } catch (IOException ignored) {
        // the file does not exist yet: nothing to quote
      }
    }
    return sb.toString();
  }

  /** A TCP port that was free on the loopback interface a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public String host() {
    return host;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Graceful stop: SIGTERM, wait up to 5 s, then SIGKILL. */
  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
    forget();
  }

  /** SIGKILL, as a crash would; waits for the process to exit. */
  public void kill() {
    process.destroyForcibly();
    boolean interrupted = false;
    while (true) {
      try {
        process.waitFor();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    forget();
  }

  private void forget() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // the JVM is already shutting down: the hook runs anyway
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "redis-server[" + host + ":" + port + ", pid " + pid() + "]";
  }
}
