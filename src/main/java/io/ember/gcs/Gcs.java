package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.ids.NodeId;
import io.ember.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Ember's global control store: the connection to Redis, one object per table
 * ({@link #nodes}, {@link #tasks}, {@link #objects}, {@link #actors}, {@link #ledger},
 * {@link #lease}, {@link #config}, and the leader's {@link #deaths} scripts), the exact
 * counters, and the factory of each node's {@link TableWriter}.
 *
 * <p>Reads go through the pooled Vert.x client (which recovers by itself after an outage); the
 * per-task hot path goes through each writer's dedicated connection. Every table write of a
 * node goes through its writer and its epoch; the only unfenced writes are registration and the
 * leader's scripts (fenced by the lease instead). It never hands out the raw Redis client and
 * never blocks: every method returns a Future.
 */
public final class Gcs {
  private final Vertx vertx;
  private final RedisEndpoint endpoint;
  private final Store store;
  private final NodeTable nodes;
  private final TaskTable tasks;
  private final ObjectTable objects;
  private final ActorTable actors;
  private final RecoveryLedger ledger;
  private final CorruptRows corrupt;
  private final MonitorLease lease;
  private final NodeDeaths deaths;
  private final ConfigTable config;
  private final List<TableWriter> writers = new CopyOnWriteArrayList<>();

  private Gcs(Vertx vertx, RedisEndpoint endpoint, Store store) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.store = store;
    this.ledger = new RecoveryLedger(store);
    this.corrupt = new CorruptRows(ledger, "process " + ProcessHandle.current().pid(), System::currentTimeMillis);
    this.nodes = new NodeTable(store, corrupt);
    this.tasks = new TaskTable(store);
    this.objects = new ObjectTable(store, corrupt);
    this.actors = new ActorTable(store, corrupt);
    this.lease = new MonitorLease(store);
    this.deaths = new NodeDeaths(store, corrupt);
    this.config = new ConfigTable(store);
  }

  /** {@link #connect(Vertx, RedisEndpoint)} to the one Redis at {@code host:port}. */
  public static Future<Gcs> connect(Vertx vertx, String host, int port) {
    return connect(vertx, RedisEndpoint.standalone(host, port));
  }

  /**
   * Connects (through the Sentinels, for a Sentinel endpoint) and loads the write script; fails
   * with UNAVAILABLE naming the endpoint if Redis does not answer, or answers only with a transient
   * refusal ({@link RedisErrors}: LOADING, BUSY, no primary yet, ...), so that a starting node waits.
   * Through Sentinels, a failure has them all asked which primary they name ({@link SentinelOrder}):
   * if that puts another sentinel first (the first one missed a failover), it is tried once more.
   */
  public static Future<Gcs> connect(Vertx vertx, RedisEndpoint endpoint) {
    if (!(endpoint instanceof RedisEndpoint.Sentinel s)) return connectOnce(vertx, endpoint);
    List<String> before = SentinelOrder.current(s.sentinels(), s.masterName());
    return connectOnce(vertx, endpoint).recover(e -> SentinelOrder.suspect(vertx, endpoint.options())
        .compose(v -> SentinelOrder.current(s.sentinels(), s.masterName()).equals(before) ? Future.failedFuture(e)
            : connectOnce(vertx, endpoint)));
  }

  private static Future<Gcs> connectOnce(Vertx vertx, RedisEndpoint endpoint) {
    Store store = new Store(vertx, endpoint);
    return store.call(Request.cmd(Command.PING))
        .compose(pong -> store.call(Request.cmd(Command.SCRIPT).arg("LOAD").arg(TableWriter.SCRIPT.text())))
        .timeout(Store.REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(sha -> new Gcs(vertx, endpoint, store))
        .recover(e -> {
          store.close();
          return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE,
              "Redis at " + endpoint.describe() + " did not answer: " + e.getMessage(), e));
        });
  }

  /** Client options for one Redis at {@code host:port} (tests and start-up checks of a standalone Redis). */
  static RedisOptions options(String host, int port) {
    return RedisEndpoint.standalone(host, port).options();
  }

  /** How this GCS reaches Redis (its {@link RedisEndpoint#wire()} form is what drivers are told). */
  public RedisEndpoint endpoint() {
    return endpoint;
  }

  /** The node table: registration and every node's row. */
  public NodeTable nodes() {
    return nodes;
  }

  /** The task table: rows and claims for re-execution. */
  public TaskTable tasks() {
    return tasks;
  }

  /** The object table: rows and their locations. */
  public ObjectTable objects() {
    return objects;
  }

  /** The actor tables: rows, checkpoints, logs, the rebuild lock. */
  public ActorTable actors() {
    return actors;
  }

  /** The recovery ledger. */
  public RecoveryLedger ledger() {
    return ledger;
  }

  /** The monitor lease. */
  public MonitorLease lease() {
    return lease;
  }

  /**
   * A connection of its own for the monitor's lease, on a Vert.x instance of its own (see
   * {@link DedicatedLink}), apart from the node's event loops, the pooled client and the
   * writers, so that no flood of work, reads or writes queues ahead of a renewal.
   * {@code timeoutMs} bounds its connect and each reply. The caller closes it.
   */
  public DedicatedLink leaseLink(long timeoutMs) {
    return DedicatedLink.open(endpoint, timeoutMs);
  }

  /** The leader's scripts that react to a node's death. */
  public NodeDeaths deaths() {
    return deaths;
  }

  /** Cluster-wide settings. */
  public ConfigTable config() {
    return config;
  }

  /**
   * From now on a write that recovery relies on counts only once {@code n} replicas hold it
   * ({@code redis.minReplicaAcks}): each writer made here waits for them after every batch, and
   * so do claims, declarations and actor placements. 0 (the default): the primary's reply is
   * enough. Returns this.
   */
  public Gcs requireReplicaAcks(int n) {
    return requireReplicaAcks(n, false);
  }

  /**
   * As {@link #requireReplicaAcks(int)}; with {@code onceGrown} (an Ember Redis group, whose first
   * primary runs alone until other members join) only from when the primary holds
   * {@link Keys#GROUP_ACKS}: before that there is no replica a failover could promote.
   */
  public Gcs requireReplicaAcks(int n, boolean onceGrown) {
    store.replicaAcks(n, onceGrown);
    return this;
  }

  /** The acknowledgements of {@link #replicaAcks} start once the group has its replicas ({@link #requireReplicaAcks(int, boolean)}). */
  public boolean replicaAcksOnceGrown() {
    return store.acksOnceGrown();
  }

  /** Replicas a write recovery relies on must reach (see {@link #requireReplicaAcks}). */
  public int replicaAcks() {
    return store.replicaAcks();
  }

  /** The table writer of one node incarnation, running on the caller's context (or a new event-loop context). */
  public TableWriter writer(NodeId id, long epoch) {
    return writer(id, epoch, WriterOptions.DEFAULT);
  }

  public TableWriter writer(NodeId id, long epoch, WriterOptions tuning) {
    return writer(id, epoch, tuning, System::currentTimeMillis);
  }

  /** With the clock that stamps each batch's writes (tests use a fixed one to compare tables). */
  TableWriter writer(NodeId id, long epoch, WriterOptions tuning, LongSupplier clock) {
    if (tuning.replicaAcks() == 0 && store.replicaAcks() > 0) tuning = tuning.withReplicaAcks(store.replicaAcks(), store.acksOnceGrown());
    TableWriter w = new TableWriter(vertx.getOrCreateContext(), endpoint.options().setMaxPoolSize(1), id, epoch,
        tuning, clock);
    writers.add(w);
    return w;
  }

  /** The exact counters of every table: {@code task.<STATE>}, {@code actor.<STATE>}, {@code objects}, {@code objectBytes} (absent = 0). */
  public Future<Map<String, Long>> counts() {
    return store.send(Request.cmd(Command.HGETALL).arg(Keys.COUNTS)).map(r -> {
      Map<String, Long> out = new LinkedHashMap<>();
      Resp.strings(r).forEach((k, v) -> out.put(k, Long.parseLong(v)));
      return out;
    }).recover(err -> Future.failedFuture(CorruptRows.unreadable(err)
        ? new EmberException(ErrorCode.INTERNAL, corrupt.report(Keys.COUNTS, err), err) : err));
  }

  /**
   * Redis's own clock (TIME), in milliseconds: status ages node rows against it, so that the
   * reader's clock, and when the reader sampled it, do not matter.
   */
  public Future<Long> redisTimeMillis() {
    return store.send(Request.cmd(Command.TIME)).map(r -> r.get(0).toLong() * 1000 + r.get(1).toLong() / 1000);
  }

  /** The pooled client, for tests only (through {@code GcsTesting}): nothing in Ember sends raw commands. */
  Redis redisForTests() {
    return store.redis();
  }

  /** The store, for tests only. */
  Store storeForTests() {
    return store;
  }

  /** Closes every writer made here (without flushing) and the pooled client. */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    writers.forEach(w -> closing.add(w.close()));
    return Future.join(closing).eventually(store::close).mapEmpty();
  }
}
