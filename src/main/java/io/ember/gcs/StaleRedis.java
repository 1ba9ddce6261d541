package io.ember.gcs;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A Redis that already answers on the port an embedded Redis is to use: what it is, and the
 * decision about it. It is taken over only if it is an orphan (no live {@link RedisProcess}
 * guard is its parent: the head that started it is gone) and serves the same data directory;
 * a live head's Redis, a Redis on another data directory, or anything that does not answer as
 * Redis does is refused with what to do. Blocking: start-up only, never on an event loop.
 */
final class StaleRedis {
  private static final Logger LOG = Logger.getLogger(StaleRedis.class.getName());

  private final String host;
  private final int port;
  private final String password;
  private final long pid;
  private final String dir;

  private StaleRedis(String host, int port, String password, long pid, String dir) {
    this.host = host;
    this.port = port;
    this.password = password;
    this.pid = pid;
    this.dir = dir;
  }

  /** The Redis answering on {@code host:port}, if any; refused at once if something else answers there. */
  static Optional<StaleRedis> on(String host, int port, String password) throws IOException {
    if (!listening(host, port)) return Optional.empty();
    try (DedicatedLink link = DedicatedLink.open(host, port, password, 2_000)) {
      String dir = Resp.strings(link.await(link.send(Request.cmd(Command.CONFIG).arg("GET").arg("dir")))).get("dir");
      return Optional.of(new StaleRedis(host, port, password, pid(link), dir == null ? "?" : dir));
    } catch (IOException e) {
      throw new IOException("port " + port + " on " + host + " is taken, by something that does not answer as a Redis"
          + " this node can inspect (" + e.getMessage() + "): free the port or choose another redis.port", e);
    }
  }

  /** The pid a Redis reports ({@code INFO server}). */
  static long pid(DedicatedLink link) throws IOException {
    for (String line : link.await(link.send(Request.cmd(Command.INFO).arg("server"))).toString().split("\r?\n")) {
      if (line.startsWith("process_id:")) return Long.parseLong(line.substring("process_id:".length()).trim());
    }
    throw new IOException("INFO server named no process_id");
  }

  /** Takes this Redis over for a head on {@code dataDir} (shut down, gone), or refuses with why. */
  void takeOverFor(Path dataDir) throws IOException {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) throw refused("its process " + pid + " is not on this machine");
    Optional<ProcessHandle> guard = process.get().parent().filter(StaleRedis::isGuard);
    if (guard.isPresent()) throw refused("it belongs to a live head (its guard is pid " + guard.get().pid() + ")");
    if (!sameDir(dataDir)) throw refused("it serves another data directory (" + dir + ")");
    LOG.warning("a redis-server left by an earlier head (pid " + pid + ", data in " + dir + ") still answers on port "
        + port + "; taking it over: shutting it down (it flushes its append-only file) and starting this head's own");
    try (DedicatedLink link = DedicatedLink.open(host, port, password, 5_000)) {
      link.await(link.send(Request.cmd(Command.SHUTDOWN)));
    } catch (IOException closed) {
      // SHUTDOWN answers by closing the connection
    }
    // the port, not the process: an orphan's exit is reaped by whatever adopted it, maybe never
    awaitPortFree(TimeUnit.SECONDS.toNanos(10));
  }

  private boolean sameDir(Path dataDir) {
    try {
      return Files.isSameFile(Path.of(dir), dataDir);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isGuard(ProcessHandle p) {
    return p.isAlive() && p.info().commandLine().map(c -> c.contains(RedisProcess.GUARD_NAME)).orElse(false);
  }

  private IOException refused(String why) {
    return new IOException("a Redis already answers on " + host + ":" + port + " and " + why + "; this head will not"
        + " use it as its embedded Redis: stop it, choose another redis.port, or set redis.embedded to false to use it"
        + " as an external Redis");
  }

  private void awaitPortFree(long nanos) throws IOException {
    long deadline = System.nanoTime() + nanos;
    while (listening(host, port)) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the redis-server left by an earlier head (pid " + pid + ") still holds port " + port
            + " 10 s after SHUTDOWN");
      }
      try {
        Thread.sleep(20); // start-up only: waiting for the kernel to free the port
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  private static boolean listening(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
