package io.ember.gcs;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Its lifetime is this JVM's, even on {@code kill -9} or {@code Runtime.halt} (which run no
 * shutdown hook): redis-server runs under a small {@code sh} guard ({@link #GUARD}) whose stdin
 * is a pipe from this JVM; when the JVM dies, for whatever reason, the kernel closes the pipe,
 * the guard reads end-of-file and stops redis-server (SIGTERM: it flushes its append-only file).
 * A redis-server found on the port at start ({@link #startOwned}) is taken over only if it is an
 * orphan of an earlier head on the same data directory; anything else is refused.
 *
 * <p>Its methods block (start waits for PING, stop waits for exit): call them at start-up or
 * shutdown, or from a worker, never from an event loop. It never downloads a binary.
 */
public final class RedisProcess implements AutoCloseable {
  /**
   * How long a started redis-server may take to answer. One that cannot start (the port is
   * taken, a bad option, an unreadable file) exits at once and is reported at once; one that runs
   * but does not answer is reading its append-only file's RDB preamble, which it does answering
   * nobody, for as long as the data takes (over 10 s for a soak's worth of rows here). Once it
   * answers, even {@code LOADING}, it is up: every client waits out {@code LOADING}.
   */
  private static final long START_DEADLINE_MS = 120_000;
  /** The guard's name in {@code ps}, and how a live head's redis-server is told from an orphan. */
  static final String GUARD_NAME = "ember-redis-guard";
  /** Runs its arguments (redis-server ...) in the background, then waits for EOF on stdin and stops it. */
  static final String GUARD = "\"$@\" & p=$!; cat >/dev/null; kill $p 2>/dev/null; wait $p";
  private static File extracted;

  private final Process guard;
  private final ProcessHandle server;
  private final String host;
  private final int port;

  private RedisProcess(Process guard, ProcessHandle server, String host, int port) {
    this.guard = guard;
    this.server = server;
    this.host = host;
    this.port = port;
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
   * @throws IOException naming the port and quoting the log's last lines if it does not answer,
   *     or if what answers is not the redis-server it started (the port was taken)
   */
  public static RedisProcess start(Path binary, String host, int port, Path dataDir) throws IOException {
    return start(binary, host, port, dataDir, null);
  }

  /**
   * As above, with {@code requirepass password} (null or "" = none) and protected mode on, from a
   * conf file only its owner can read ({@link #authConf}): never on the command line, where
   * {@code ps} would show it.
   */
  public static RedisProcess start(Path binary, String host, int port, Path dataDir, String password) throws IOException {
    Files.createDirectories(dataDir);
    Path log = dataDir.resolve("redis.log");
    Path out = dataDir.resolve("redis.out");
    List<String> command = new ArrayList<>(List.of("sh", "-c", GUARD, GUARD_NAME, binary.toString()));
    Path auth = authConf(dataDir, password);
    if (auth != null) command.add(auth.toAbsolutePath().toString());
    command.addAll(List.of("--bind", host, "--port", Integer.toString(port), "--dir", dataDir.toAbsolutePath().toString(),
        "--appendonly", "yes", "--save", "", "--daemonize", "no",
        "--logfile", log.toAbsolutePath().toString(),
        // Task rows carry a ~100-byte spec: above the default 64 a row becomes a hash table (a
        // dict and two allocations per field); kept compact, a row is one allocation. (An
        // external Redis should be configured the same; the name is an alias in Redis 7.)
        "--hash-max-ziplist-value", "512"));
    // stdin stays a pipe from this JVM, never written: its EOF is the guard's signal
    Process guard = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    try {
      long pid = awaitPing(guard, host, port, password, dataDir);
      ProcessHandle server = ProcessHandle.of(pid).filter(p -> p.parent().map(g -> g.pid() == guard.pid()).orElse(false))
          .orElseThrow(() -> new IOException("port " + port + " answers, but not with the redis-server started here "
              + "(pid " + pid + " is another process): the port was taken"));
      return new RedisProcess(guard, server, host, port);
    } catch (IOException | RuntimeException e) {
      guard.descendants().forEach(ProcessHandle::destroyForcibly);
      guard.destroyForcibly();
      throw e;
    }
  }

  /**
   * {@link #start}, after a look at the port: if a redis-server already answers there and it is
   * an orphan (its guard, or the head that started it, is gone) serving this same
   * {@code dataDir}, it is taken over deliberately: logged, shut down (it flushes its
   * append-only file) and replaced by one this JVM owns, on the same data. Anything else on the
   * port (a live head's Redis, another data directory, not a Redis) is refused with an
   * IOException that says what to do.
   */
  public static RedisProcess startOwned(Path binary, String host, int port, Path dataDir) throws IOException {
    return startOwned(binary, host, port, dataDir, null);
  }

  /** As above, the Redis (and the one it may take over) protected by {@code password} (null or "" = none). */
  public static RedisProcess startOwned(Path binary, String host, int port, Path dataDir, String password) throws IOException {
    Files.createDirectories(dataDir);
    Optional<StaleRedis> stale = StaleRedis.on(host, port, password);
    if (stale.isPresent()) stale.get().takeOverFor(dataDir);
    return start(binary, host, port, dataDir, password);
  }

  /**
   * Writes {@code <dir>/auth.conf} (owner-only) with {@code requirepass}, {@code masterauth} (a
   * replica authenticates to its primary with it) and protected mode on; null if there is no
   * password. redis-server reads it as its conf file, before the command-line options.
   */
  public static Path authConf(Path dir, String password) throws IOException {
    if (password == null || password.isEmpty()) return null;
    Path conf = dir.resolve("auth.conf");
    Files.deleteIfExists(conf);
    Files.createFile(conf, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(conf, "requirepass " + password + "\nmasterauth " + password + "\nprotected-mode yes\n", StandardCharsets.UTF_8);
    return conf;
  }

  /** Waits for PING; returns the pid of the redis-server that answered. */
  private static long awaitPing(Process guard, String host, int port, String password, Path dataDir) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_DEADLINE_MS);
    String last = "no answer";
    try (DedicatedLink link = DedicatedLink.open(host, port, password, 500)) { // it reconnects by itself until Redis listens
      while (System.nanoTime() < deadline) {
        if (!guard.isAlive()) {
          last = "its guard exited with " + guard.exitValue();
          break;
        }
        try {
          link.await(link.send(Request.cmd(Command.PING))); // an error (LOADING: reading its append-only file) until it serves
          return StaleRedis.pid(link);
        } catch (IOException e) {
          last = e.toString();
          if (String.valueOf(e.getMessage()).startsWith("LOADING")) {
            try {
              return StaleRedis.pid(link);   // INFO answers while it loads: it is up, and its clients wait
            } catch (IOException notYet) {
              last = notYet.toString();
            }
          }
        }
        pause();
      }
    }
    throw new IOException("redis-server on port " + port + " did not answer PING within "
        + START_DEADLINE_MS + " ms (" + last + "); last log lines:\n" + tail(dataDir));
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
    return server.pid();
  }

  public boolean isAlive() {
    return server.isAlive();
  }

  /** Graceful stop: SIGTERM (it flushes its append-only file), wait up to 5 s, then SIGKILL. */
  public void stop() {
    server.destroy();
    if (!exited(server, 5)) server.destroyForcibly();
    release();
  }

  /** SIGKILL, as a crash would; waits for the process to exit. */
  public void kill() {
    server.destroyForcibly();
    release();
  }

  /** Waits for redis-server to be gone, then closes the guard's stdin so that it exits too. */
  private void release() {
    exited(server, 30);
    try {
      guard.getOutputStream().close();
    } catch (IOException ignored) {
      // the guard is gone already
    }
    exited(guard.toHandle(), 5);
  }

  /** True if {@code p} exited within {@code seconds}. */
  static boolean exited(ProcessHandle p, long seconds) {
    try {
      p.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !p.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
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
