package io.ember.gcs;

import io.ember.gcs.RedisGroup.Address;
import io.ember.gcs.RedisGroup.Member;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.Comparator;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Command;

/**
 * Starts the processes of one member of the embedded Redis group: a redis-server (the primary,
 * or a replica of a given primary) and a sentinel, each <b>detached</b> from the JVM that starts
 * it ({@code daemonize yes}: redis-server forks, leaves this JVM's session and is adopted by
 * init), with a pid file, a log and its data under the member's directories. Unlike
 * {@link RedisProcess} (the standalone embedded Redis, which dies with its head on purpose), a
 * fenced, stopped or killed node leaves its group processes running: the group outlives any one
 * node, and a node that starts later adopts them.
 *
 * <p>Every method blocks (a start waits for the process to answer PING): call them from a
 * worker thread or the CLI, never from an event loop. It never downloads a binary.
 */
public final class GroupProcesses {
  static final long START_DEADLINE_MS = 10_000;
  /** A sentinel declares a silent primary down after this long (subjectively; a quorum makes it objective). */
  public static final int DOWN_AFTER_MS = 1_000;
  static final int FAILOVER_TIMEOUT_MS = 10_000;

  private final Path binary;
  private final Path redisDataDir;
  private final RedisGroup group;
  private final GroupLink link;

  public GroupProcesses(Path binary, Path redisDataDir, RedisGroup group, GroupLink link) {
    this.binary = binary;
    this.redisDataDir = redisDataDir;
    this.group = group;
    this.link = link;
  }

  /** The pid in {@code pidFile} if that process is alive. */
  public static Optional<ProcessHandle> live(Path pidFile) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public Path redisPidFile(Member m) {
    return m.redisDir(redisDataDir).resolve("redis.pid");
  }

  public Path sentinelPidFile(Member m) {
    return m.sentinelDir(redisDataDir).resolve("sentinel.pid");
  }

  /**
   * Starts member {@code m}'s redis-server, as a replica of {@code primary} (or as the primary
   * when {@code primary} is null), on its append-only file if it has one; returns its pid once
   * it answers PING.
   */
  public long startRedis(Member m, Address primary) throws IOException {
    Path dir = m.redisDir(redisDataDir);
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>(List.of(binary.toString()));
    Path auth = RedisProcess.authConf(dir, link.password()); // requirepass and masterauth, never on the command line
    if (auth != null) cmd.add(auth.toAbsolutePath().toString());
    cmd.addAll(List.of("--bind", m.redis().host(), "--port", Integer.toString(m.redis().port()), "--dir", dir.toAbsolutePath().toString(),
        "--appendonly", "yes", "--save", "",
        "--daemonize", "yes", "--pidfile", redisPidFile(m).toAbsolutePath().toString(),
        "--logfile", dir.resolve("redis.log").toAbsolutePath().toString(),
        "--hash-max-ziplist-value", "512")); // as RedisProcess: a task row stays one allocation
    if (primary != null) cmd.addAll(List.of("--replicaof", primary.host(), Integer.toString(primary.port())));
    return launch(cmd, dir, m.redis(), redisPidFile(m));
  }

  /**
   * Starts member {@code m}'s sentinel watching {@code primary}, with a conf written fresh (the
   * sentinel rewrites it as it learns the group; the other sentinels and the replicas are found
   * through the primary) but under the id it had before, if it ran here before: the other
   * sentinels keep counting a sentinel they knew under an id nobody uses any more, which would
   * raise the majority a failover needs.
   */
  public long startSentinel(Member m, Address primary) throws IOException {
    Path dir = m.sentinelDir(redisDataDir);
    Files.createDirectories(dir);
    // the sentinel rewrites its conf (which holds the password) with default permissions: keep the folder private
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path conf = dir.resolve("sentinel.conf");
    String name = group.masterName();
    String myid = Files.exists(conf)
        ? Files.readAllLines(conf, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("sentinel myid ")).findFirst().orElse("")
        : "";
    String pw = link.password();
    List<String> auth = pw == null || pw.isEmpty() ? List.of("protected-mode no")
        : List.of("protected-mode yes", "requirepass " + pw, "sentinel auth-pass " + name + " " + pw);
    Files.deleteIfExists(conf.resolveSibling("sentinel.tmp"));
    Path tmp = Files.createFile(conf.resolveSibling("sentinel.tmp"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))); // it holds the password
    Files.writeString(tmp, String.join("\n", myid,
        "bind " + m.sentinel().host(),
        "port " + m.sentinel().port(),
        "daemonize yes",
        "pidfile " + sentinelPidFile(m).toAbsolutePath(),
        "logfile " + dir.resolve("sentinel.log").toAbsolutePath(),
        "dir " + dir.toAbsolutePath(),
        String.join("\n", auth),
        "sentinel monitor " + name + " " + primary.host() + " " + primary.port() + " " + group.quorum(),
        "sentinel down-after-milliseconds " + name + " " + DOWN_AFTER_MS,
        "sentinel failover-timeout " + name + " " + FAILOVER_TIMEOUT_MS,
        "sentinel parallel-syncs " + name + " 1", ""), StandardCharsets.UTF_8);
    Files.move(tmp, conf, StandardCopyOption.REPLACE_EXISTING);
    return launch(List.of(binary.toString(), conf.toAbsolutePath().toString(), "--sentinel"), dir, m.sentinel(),
        sentinelPidFile(m));
  }

  /**
   * Stops every process of {@code group} that answers, sentinels first (so that none fails over
   * while the rest stop), then the replicas, then the primary, each with {@code SHUTDOWN} (a
   * redis-server flushes its append-only file). Returns one line per process it stopped.
   */
  public static List<String> stopAll(RedisGroup group, GroupLink link) {
    List<String> done = new ArrayList<>();
    for (Address s : group.sentinels()) if (shutdown(link, s)) done.add("sentinel " + s);
    List<Address> redis = new ArrayList<>(group.members().stream().map(Member::redis).toList());
    redis.sort(Comparator.comparing((Address a) -> isPrimary(link, a))); // replicas first
    for (Address r : redis) if (shutdown(link, r)) done.add("redis-server " + r);
    return done;
  }

  private static boolean isPrimary(GroupLink link, Address a) {
    try {
      return "master".equals(link.await(link.ask(a, Request.cmd(Command.ROLE)))
          .get(0).toString());
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean shutdown(GroupLink link, Address at) {
    if (!link.answers(at)) return false;
    try {
      link.await(link.ask(at, Request.cmd(Command.SHUTDOWN)));
    } catch (IOException closed) {
      // SHUTDOWN answers by closing the connection
    }
    return true;
  }

  /** Runs {@code cmd} (it daemonizes: the launcher exits at once), then waits until {@code at} answers. */
  private long launch(List<String> cmd, Path dir, Address at, Path pidFile) throws IOException {
    Files.deleteIfExists(pidFile);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("start.out").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_DEADLINE_MS);
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!p.isAlive() && p.exitValue() != 0) {
        last = "it exited with " + p.exitValue();
        break;
      }
      Optional<ProcessHandle> started = live(pidFile);
      if (started.isPresent() && link.answers(at)) return started.get().pid();
      pause();
    }
    throw new IOException(at + " (" + String.join(" ", cmd.subList(0, Math.min(2, cmd.size())))
        + ") did not answer within " + START_DEADLINE_MS + " ms (" + last + "); see " + dir);
  }

  /** Worker threads only: a short pause between looks at a starting process. */
  private static void pause() throws IOException {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting a group process", e);
    }
  }
}
