package io.ember.node;

import io.ember.gcs.GroupLink;
import io.ember.gcs.Keys;
import io.ember.gcs.GroupProcesses;
import io.ember.gcs.RedisGroup;
import io.ember.gcs.RedisGroup.Address;
import io.ember.gcs.RedisGroup.Member;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.nio.channels.OverlappingFileLockException;
import io.vertx.core.Vertx;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * One node's place in the embedded Redis group ({@code redis.replicas > 0}): which member it
 * looks after, and keeping that member's redis-server and sentinel running.
 *
 * <p><b>Who takes which member.</b> The head ({@code redis.embedded}) takes member 0; any other
 * node the first free member among 1..replicas whose sentinel address is on this machine. A
 * member is taken by holding an exclusive OS file lock,
 * {@code <java.io.tmpdir>/ember-group-<host>-<sentinel port>.lock}, for the life of the JVM: two
 * nodes starting at once cannot both hold it, and the kernel releases it when the JVM dies,
 * however it dies, so a node that finds no free member tries again at every check and takes over
 * the member of a node that is gone. (A member's address is fixed by the conf, so only nodes on
 * that member's host compete for it, and they share that host's lock files.)
 *
 * <p><b>Who restarts what.</b> Every {@value #CHECK_MS} ms the holder looks at its own member:
 * a process whose pid file names no live process and whose port does not answer is started
 * again (a redis-server as a replica of the primary the sentinels name; a sentinel watching that
 * primary). A redis-server the sentinels still name as the primary waits while they fail over
 * ({@code o_down} or {@code failover_in_progress}), then comes back as a replica of the new
 * one, so a restarted primary never makes a second one; if no failover happens (no replica could
 * take over) it comes back as the primary, on its own data. The processes are detached (see
 * {@link GroupProcesses}): a node's fence, stop or death leaves them running, and the next
 * holder adopts them as they are.
 *
 * <p>Every check and start runs on a worker thread ({@code executeBlocking}), never on an event
 * loop; one check at a time.
 */
public final class GroupSupervisor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GroupSupervisor.class.getName());
  public static final long CHECK_MS = 2_000;
  /** How long a restarting primary waits for a failover the sentinels have started. */
  static final long FAILOVER_WAIT_MS = 15_000;

  private final Vertx vertx;
  private final RedisGroup group;
  private final GroupProcesses processes;
  private final GroupLink link;
  private final boolean head;
  private final AtomicBoolean checking = new AtomicBoolean();
  private final int minReplicasToWrite;
  /** The pid of this member's redis-server that has {@code min-replicas-to-write} set (0: none yet). */
  private long requiredAt;
  private volatile Member mine;
  private FileChannel lockFile;
  private long timer = -1;

  /**
   * {@code password}: the group's processes' {@code requirepass} (null or "" = none). With
   * {@code minReplicasToWrite} > 0 the member's redis-server refuses writes while fewer replicas
   * than that are in touch (see {@link #requireReplicas}).
   */
  public GroupSupervisor(Vertx vertx, RedisGroup group, Path binary, Path redisDataDir, boolean head, String password,
      int minReplicasToWrite) {
    this.vertx = vertx;
    this.group = group;
    this.link = new GroupLink(500, password);
    this.processes = new GroupProcesses(binary, redisDataDir, group, link);
    this.head = head;
    this.minReplicasToWrite = minReplicasToWrite;
  }

  /** Takes a member (the head: member 0, or fails), brings its processes up, then checks them every {@value #CHECK_MS} ms. */
  public Future<Void> start() {
    return vertx.<Void>executeBlocking(() -> {
      claim();
      if (head && mine == null) {
        throw new IOException("member 0 of the Redis group (sentinel " + group.members().get(0).sentinel()
            + ") is held by another node on this machine: only one head may run it");
      }
      if (mine != null) ensure();
      return null;
    }).onSuccess(v -> timer = vertx.setPeriodic(CHECK_MS, id -> check()));
  }

  /** The member this node looks after, or null (all taken). */
  public Member member() {
    return mine;
  }

  /** The primary as the sentinels name it now, else member 0's redis-server (blocking: worker threads only). */
  public Address primary() {
    return link.master(group.sentinels(), group.masterName()).orElse(group.members().get(0).redis());
  }

  private void check() {
    if (!checking.compareAndSet(false, true)) return;
    vertx.<Void>executeBlocking(() -> {
      if (mine == null) claim();
      if (mine != null) ensure();
      return null;
    }).onComplete(r -> {
      checking.set(false);
      if (r.failed()) LOG.warning("Redis group: member " + (mine == null ? "-" : mine.index()) + ": " + r.cause().getMessage());
    });
  }

  private synchronized void claim() throws IOException {
    List<Member> candidates = head ? group.members().subList(0, 1) : group.members().subList(1, group.members().size());
    for (Member m : candidates) {
      if (!local(m.sentinel().host())) continue;
      Path path = Path.of(System.getProperty("java.io.tmpdir"), "ember-group-" + m.sentinel().host() + "-" + m.sentinel().port() + ".lock");
      FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException heldHere) {
        lock = null; // another supervisor of this same JVM holds it (tests run several)
      }
      if (lock == null) {
        ch.close();
        continue;
      }
      lockFile = ch;
      mine = m;
      LOG.info("Redis group: this node looks after member " + m.index() + " (redis-server " + m.redis() + ", sentinel "
          + m.sentinel() + ")");
      return;
    }
  }

  /** Starts whichever of this member's two processes is not running. */
  private void ensure() throws IOException {
    Member m = mine;
    if (!running(processes.redisPidFile(m), m.redis())) {
      long t0 = System.nanoTime();
      Address primary = primaryFor(m);
      long pid = processes.startRedis(m, primary);
      LOG.info("Redis group: started member " + m.index() + "'s redis-server " + m.redis() + " (pid " + pid + ") "
          + (primary == null ? "as the primary" : "as a replica of " + primary) + " in " + ms(t0) + " ms");
    }
    if (!running(processes.sentinelPidFile(m), m.sentinel())) {
      long t0 = System.nanoTime();
      Address primary = primary();
      long pid = processes.startSentinel(m, primary);
      LOG.info("Redis group: started member " + m.index() + "'s sentinel " + m.sentinel() + " (pid " + pid + ") watching "
          + primary + " in " + ms(t0) + " ms");
    } else {
      retireIfStale(m);
    }
    if (minReplicasToWrite > 0) {
      try {
        requireReplicas(m);
      } catch (IOException e) {
        // a redis-server resyncing from a new primary may not answer at once: asked again at the next check
        LOG.warning("Redis group: member " + m.index() + "'s redis-server: min-replicas-to-write not set yet: " + e.getMessage());
      }
    }
  }

  /**
   * This member's sentinel names a primary that does not answer while most sentinels name another
   * that does: it missed a failover (a sentinel started before the replicas and the other
   * sentinels learns them only from the primary's INFO and hellos; one whose primary died first
   * never hears of them, and names the dead primary for ever). It is shut down, and the next check
   * starts it again watching the primary most sentinels name. A sentinel on the minority side of a
   * partition names a primary that still answers: it is left alone.
   */
  private void retireIfStale(Member m) throws IOException {
    Optional<Address> most = link.master(group.sentinels(), group.masterName());
    Response said = link.await(link.ask(m.sentinel(), Request.cmd(Command.SENTINEL).arg("get-master-addr-by-name").arg(group.masterName())));
    if (most.isEmpty() || said == null || said.size() < 2) return;
    Address named = new Address(said.get(0).toString(), said.get(1).toInteger());
    if (named.equals(most.get()) || link.answers(named) || !link.answers(most.get())) return;
    LOG.warning("Redis group: member " + m.index() + "'s sentinel still names " + named + ", which is gone, while the others name "
        + most.get() + ": restarting it");
    link.ask(m.sentinel(), Request.cmd(Command.SHUTDOWN));   // its connection closes with it: no reply to wait for
    GroupProcesses.live(processes.sentinelPidFile(m)).ifPresent(ProcessHandle::destroy);
  }

  /**
   * Replicas acknowledge every second; one silent for longer than this no longer counts toward
   * {@code min-replicas-to-write}: a primary cut off from its replicas refuses writes
   * ({@code NOREPLICAS}) this long (plus up to a second) after the cut.
   */
  static final int MIN_REPLICAS_MAX_LAG_S = 3;

  /**
   * Sets Redis's own {@code min-replicas-to-write} (and {@link #MIN_REPLICAS_MAX_LAG_S}) on this
   * member's redis-server, once per process: a primary on the minority side of a partition then
   * stops accepting writes while the sentinels of the majority promote a replica. Not on a
   * primary that has fewer replicas than that yet (the group's first primary, before the other
   * members start: the head must register), so it is checked again at every check until set;
   * a replica takes it at once (it matters once it is promoted). A primary that has it also
   * holds {@link Keys#GROUP_ACKS} (checked at every check: an emptied primary gets it back), from
   * which on writers wait for the replicas ({@code redis.minReplicaAcks}).
   */
  private void requireReplicas(Member m) throws IOException {
    long pid = link.pid(m.redis());
    String info = link.await(link.ask(m.redis(), Request.cmd(Command.INFO).arg("replication"))).toString();
    boolean primary = info.contains("role:master");
    if (primary && connectedReplicas(info) < minReplicasToWrite) return;
    if (pid != requiredAt) {
      link.await(link.ask(m.redis(), Request.cmd(Command.CONFIG).arg("SET").arg("min-replicas-max-lag").arg(MIN_REPLICAS_MAX_LAG_S)));
      link.await(link.ask(m.redis(), Request.cmd(Command.CONFIG).arg("SET").arg("min-replicas-to-write").arg(minReplicasToWrite)));
      requiredAt = pid;
      LOG.info("Redis group: member " + m.index() + "'s redis-server refuses writes with fewer than " + minReplicasToWrite
          + " replicas in touch (min-replicas-to-write)");
    }
    if (primary && link.await(link.ask(m.redis(), Request.cmd(Command.GET).arg(Keys.GROUP_ACKS))) == null) {
      link.await(link.ask(m.redis(), Request.cmd(Command.SET).arg(Keys.GROUP_ACKS).arg(minReplicasToWrite)));
      LOG.info("Redis group: writes count once " + minReplicasToWrite + " replica(s) hold them (the group has its replicas)");
    }
  }

  private static int connectedReplicas(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("connected_slaves:")) return Integer.parseInt(line.substring("connected_slaves:".length()).trim());
    }
    return 0;
  }

  /** Up: its pid file names a live process, or (adopted from another holder) its port answers. */
  private boolean running(Path pidFile, Address at) {
    return GroupProcesses.live(pidFile).isPresent() || link.answers(at);
  }

  /**
   * The primary member {@code m}'s redis-server is to follow, or null to start as the primary:
   * the one the sentinels name; if they name {@code m} itself (it was the primary and is down)
   * and are failing over, the one they name after; if none answers, member 0 (the head's)
   * starts as the primary and the others follow it.
   */
  private Address primaryFor(Member m) throws IOException {
    Optional<Address> named = link.master(group.sentinels(), group.masterName());
    if (named.isEmpty()) return m.index() == 0 ? null : group.members().get(0).redis();
    if (!named.get().equals(m.redis())) return named.get();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FAILOVER_WAIT_MS);
    while (System.nanoTime() < deadline && failingOver()) {
      pause();
      Optional<Address> now = link.master(group.sentinels(), group.masterName());
      if (now.isPresent() && !now.get().equals(m.redis())) return now.get();
    }
    return null; // no failover: it was and stays the primary, on its own append-only file
  }

  private boolean failingOver() {
    Set<String> flags = link.masterFlags(group.sentinels(), group.masterName());
    return flags.contains("o_down") || flags.contains("failover_in_progress");
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(100); // a worker thread waiting for the sentinels, never an event loop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a failover", e);
    }
  }

  static boolean local(String host) {
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static long ms(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  /** Stops checking and gives the member up (the processes keep running: the group outlives its nodes). */
  @Override
  public synchronized void close() {
    if (timer >= 0) vertx.cancelTimer(timer);
    try {
      if (lockFile != null) lockFile.close();
    } catch (IOException ignored) {
      // released with the JVM anyway
    }
    link.close();
  }
}
