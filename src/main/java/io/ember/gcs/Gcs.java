package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.ErrorCode;
import io.ember.scheduler.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Ember's global control store: the connection to Redis, node registration, the typed reads of
 * every table, and the factory of each node's {@link TableWriter}.
 *
 * <p>Reads go through the pooled Vert.x client (which recovers by itself after an outage); the
 * per-task hot path goes through each writer's dedicated connection. The only unfenced writes
 * are {@link #registerNode} and {@link #markNodeDead}, which own a node's {@code epoch} and
 * {@code state}; every table write of a node goes through its writer and its epoch. It never
 * blocks: every method returns a Future.
 */
public final class Gcs {
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final Redis client;
  private final List<TableWriter> writers = new CopyOnWriteArrayList<>();

  private Gcs(Vertx vertx, String host, int port, Redis client) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.client = client;
  }

  /** Connects and loads the write script; fails with UNAVAILABLE naming host:port if Redis does not answer. */
  public static Future<Gcs> connect(Vertx vertx, String host, int port) {
    Redis client = Redis.createClient(vertx, options(host, port).setMaxPoolSize(8).setMaxPoolWaiting(4096));
    return client.send(Request.cmd(Command.PING))
        .compose(pong -> client.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(Scripts.WRITE)))
        .timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(sha -> new Gcs(vertx, host, port, client))
        .recover(e -> {
          client.close();
          return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE,
              "Redis at " + host + ":" + port + " did not answer: " + e.getMessage(), e));
        });
  }

  static RedisOptions options(String host, int port) {
    RedisOptions o = new RedisOptions().setConnectionString("redis://" + host + ":" + port);
    o.getNetClientOptions().setConnectTimeout(2_000).setTcpNoDelay(true);
    return o;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** A new incarnation of {@code id}: a fresh epoch, state ALIVE, the given fields; returns the epoch. */
  public Future<Long> registerNode(NodeId id, Map<String, String> fields) {
    Request r = Request.cmd(Command.EVAL).arg(Scripts.REGISTER).arg(3)
        .arg(Keys.EPOCH).arg(Keys.node(id)).arg(Keys.NODES)
        .arg(id.toString()).arg(System.currentTimeMillis());
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (Set.of("epoch", "state", "startedAt").contains(e.getKey())) {
        throw new IllegalArgumentException("registerNode sets '" + e.getKey() + "' itself");
      }
      r.arg(e.getKey()).arg(e.getValue() == null ? "" : e.getValue());
    }
    return send(r).map(Response::toLong);
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
    TableWriter w = new TableWriter(vertx.getOrCreateContext(), options(host, port).setMaxPoolSize(1), id, epoch,
        tuning, clock);
    writers.add(w);
    return w;
  }

  /** Marks a node DEAD (an admin write of the monitor, not fenced). A second call changes nothing. */
  public Future<Void> markNodeDead(NodeId id, String reason) {
    return send(Request.cmd(Command.EVAL).arg(Scripts.MARK_DEAD).arg(1).arg(Keys.node(id))
        .arg(System.currentTimeMillis()).arg(reason == null ? "" : reason)).mapEmpty();
  }

  /** Every node ever registered, with all its hash fields. */
  public Future<List<NodeRecord>> nodes() {
    return send(Request.cmd(Command.SMEMBERS).arg(Keys.NODES)).compose(ids -> {
      List<NodeId> list = new ArrayList<>();
      ids.forEach(r -> list.add(new NodeId(r.toString())));
      if (list.isEmpty()) return Future.succeededFuture(List.of());
      List<Request> reqs = list.stream().map(n -> Request.cmd(Command.HGETALL).arg(Keys.node(n))).toList();
      return batch(reqs).map(replies -> {
        List<NodeRecord> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          Map<String, String> f = Resp.strings(replies.get(i));
          if (!f.isEmpty()) out.add(new NodeRecord(list.get(i), Resp.number(f, "epoch", 0), f.get("state"), f));
        }
        return out;
      });
    });
  }

  /** The task's row, or null if it was never recorded. */
  public Future<TaskRecord> task(TaskId id) {
    return send(Request.cmd(Command.HGETALL).arg(Keys.task(id))).map(r -> {
      Map<String, Response> h = Resp.hash(r);
      if (h.isEmpty()) return null;
      Response spec = h.get("spec");
      String node = Resp.text(h, "node");
      String owner = Resp.text(h, "owner");
      String error = Resp.text(h, "error");
      String attempts = Resp.text(h, "attempts");
      return new TaskRecord(id, spec == null ? null : spec.toBytes(), TaskState.valueOf(Resp.text(h, "state")),
          blank(node) ? null : new NodeId(node), blank(owner) ? null : new NodeId(owner),
          Resp.text(h, "function"), blank(attempts) ? 0 : Integer.parseInt(attempts), blank(error) ? null : error);
    });
  }

  /** The object's row with its locations, or null if it was never recorded. */
  public Future<ObjectRecord> object(ObjectId id) {
    return send(Request.cmd(Command.HGETALL).arg(Keys.object(id))).map(r -> {
      Map<String, String> h = Resp.strings(r);
      if (h.isEmpty()) return null;
      String task = h.get("task");
      return new ObjectRecord(id, Resp.number(h, "size", 0), blank(task) ? null : TaskId.parse(task),
          h.get("kind"), locations(h.keySet()));
    });
  }

  public Future<Set<NodeId>> locations(ObjectId id) {
    return send(Request.cmd(Command.HKEYS).arg(Keys.object(id))).map(fields -> {
      List<String> names = new ArrayList<>();
      fields.forEach(f -> names.add(f.toString()));
      return locations(names);
    });
  }

  /** The exact counters: {@code task.<STATE>}, {@code objects}, {@code objectBytes} (absent = 0). */
  public Future<Map<String, Long>> counts() {
    return send(Request.cmd(Command.HGETALL).arg(Keys.COUNTS)).map(r -> {
      Map<String, Long> out = new LinkedHashMap<>();
      Resp.strings(r).forEach((k, v) -> out.put(k, Long.parseLong(v)));
      return out;
    });
  }

  /** The newest {@code max} recovery records, newest first. */
  public Future<List<JsonObject>> recoveries(int max) {
    if (max <= 0) return Future.succeededFuture(List.of());
    return send(Request.cmd(Command.LRANGE).arg(Keys.RECOVERIES).arg(0).arg(max - 1)).map(r -> {
      List<JsonObject> out = new ArrayList<>();
      r.forEach(e -> out.add(new JsonObject(e.toString())));
      return out;
    });
  }

  /**
   * Appends a recovery record for a writer that is not a node's (a driver's): LPUSH then LTRIM to
   * {@value Keys#RECOVERIES_CAP}, as the write script's {@code L} op does.
   */
  public Future<Void> appendRecovery(JsonObject entry) {
    return batch(List.of(Request.cmd(Command.LPUSH).arg(Keys.RECOVERIES).arg(entry.encode()),
        Request.cmd(Command.LTRIM).arg(Keys.RECOVERIES).arg(0).arg(Keys.RECOVERIES_CAP - 1))).mapEmpty();
  }

  /** The pooled client, for callers that need a command this class does not wrap. */
  public Redis client() {
    return client;
  }

  /** Closes every writer made here (without flushing) and the pooled client. */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    writers.forEach(w -> closing.add(w.close()));
    return Future.join(closing).eventually(client::close).mapEmpty();
  }

  private Future<Response> send(Request r) {
    return client.send(r).timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS).recover(this::unavailable);
  }

  private Future<List<Response>> batch(List<Request> reqs) {
    return client.batch(reqs).timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS).recover(this::unavailable);
  }

  private <T> Future<T> unavailable(Throwable e) {
    if (e instanceof Response) return Future.failedFuture(e);   // Redis answered with an error
    return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE,
        "Redis at " + host + ":" + port + ": " + e.getMessage(), e));
  }

  /** The nodes named by the location fields among an object row's field names. */
  private static Set<NodeId> locations(Iterable<String> fields) {
    Set<NodeId> out = new HashSet<>();
    for (String f : fields) {
      if (f.startsWith(Keys.LOCATION_PREFIX)) out.add(new NodeId(f.substring(Keys.LOCATION_PREFIX.length())));
    }
    return out;
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }
}
