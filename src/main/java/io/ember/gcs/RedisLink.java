package io.ember.gcs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One dedicated Redis connection that stays up: it connects, loads its script (if it has one), reports
 * "ready", and after any loss (end or exception handler, a failed send, or a transient error
 * reported by its user) drops the connection and reconnects with a doubling, capped delay.
 *
 * <p>A plain {@link RedisConnection} fails every send forever once Redis has gone away, so a
 * lost connection is never reused. Each connection attempt has a generation number; events of
 * an older generation (end and exception both firing, replies of a dead connection) are
 * ignored, so one loss causes exactly one reconnect.
 *
 * <p>Through Sentinels ({@link RedisEndpoint.Sentinel}), each connection asks them for the primary,
 * and a {@link SentinelWatch} drops the connection when they announce a new one: a primary that
 * was frozen rather than killed never closes the connection, and one demoted while alive keeps
 * accepting writes until the Sentinels reconfigure it. A failed attempt has every sentinel asked
 * which primary it names ({@link SentinelOrder}), so that the next one does not ask a sentinel
 * that missed the failover first. A connection attempt (connect and script
 * load) that does not complete within {@value #CONNECT_TIMEOUT_MS} ms (a frozen server accepts TCP
 * connections but never answers) counts as a loss.
 *
 * <p>Confined to one Vert.x context: every method must be called on it. It never blocks and
 * never retries a request itself (its user decides what to re-send).
 */
final class RedisLink {
  static final long CONNECT_TIMEOUT_MS = 5_000;
  private final Context context;
  private final RedisOptions options;
  private final WriterOptions tuning;
  private final Script script;
  private final Runnable onReady;
  private int generation;
  private Redis client;
  private RedisConnection connection;
  private volatile boolean ready;
  private volatile boolean closed;
  private long backoffMs;
  private SentinelWatch watch;

  RedisLink(Context context, RedisOptions options, WriterOptions tuning, Script script, Runnable onReady) {
    this.script = script;
    this.context = context;
    this.options = options;
    this.tuning = tuning;
    this.onReady = onReady;
    this.backoffMs = tuning.backoffInitialMs();
  }

  void start() {
    watch = SentinelWatch.of(context, options, this::masterSwitched);
    connect();
  }

  /** The Sentinels promoted another primary: reconnect now (they are asked again), from the shortest delay. */
  private void masterSwitched() {
    backoffMs = tuning.backoffInitialMs();
    lost(generation, new IllegalStateException("the Sentinels switched the master"));
  }

  boolean ready() {
    return ready && !closed;
  }

  int generation() {
    return generation;
  }

  /**
   * Sends on the current connection. The Vert.x client fails the requests in flight on a closed
   * connection with a reply-like {@code CONNECTION_CLOSED}; it is turned into the transport
   * failure it is, so that no user takes it for Redis refusing the request.
   */
  Future<Response> send(Request request) {
    if (!ready()) return Future.failedFuture(new IllegalStateException("not connected"));
    return connection.send(request).recover(e -> Future.failedFuture(
        RedisErrors.isClosedConnection(e) ? new IOException("Redis connection closed with the request in flight", e) : e));
  }

  /** A request succeeded: the next outage starts again from the shortest delay. */
  void healthy() {
    backoffMs = tuning.backoffInitialMs();
  }

  /** The connection of generation {@code gen} is unusable: drop it and reconnect later (once per generation). */
  void lost(int gen, Throwable cause) {
    if (gen != generation || closed) return;
    generation++;
    ready = false;
    dispose();
    retryLater();
  }

  /** Closes the connection for good; completes once its client is closed too. */
  Future<Void> close() {
    closed = true;
    ready = false;
    generation++;
    if (watch != null) watch.close();
    return dispose();
  }

  private void connect() {
    if (closed) return;
    int gen = ++generation;
    client = Redis.createClient(context.owner(), SentinelOrder.reordered(options));
    client.connect()
        .compose(c -> adopt(gen, c))
        .compose(this::loadScript)
        .timeout(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(ar -> {
          if (gen != generation || closed) return;
          if (ar.succeeded()) {
            ready = true;
            onReady.run();
          } else {
            // through sentinels: one that missed a failover may name a dead primary; ask them all
            SentinelOrder.suspect(context.owner(), options);
            lost(gen, ar.cause());
          }
        });
  }

  private Future<RedisConnection> adopt(int gen, RedisConnection c) {
    if (gen != generation || closed) {
      c.close();
      return Future.failedFuture("superseded");
    }
    connection = c;
    c.endHandler(v -> lost(gen, new IllegalStateException("Redis connection closed")));
    c.exceptionHandler(e -> lost(gen, e));
    return Future.succeededFuture(c);
  }

  private Future<Response> loadScript(RedisConnection c) {
    return script == null ? Future.succeededFuture() : c.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.text()));
  }

  private void retryLater() {
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, tuning.backoffMaxMs());
    context.owner().setTimer(delay, t -> context.runOnContext(v -> connect()));
  }

  private Future<Void> dispose() {
    RedisConnection c = connection;
    Redis r = client;
    connection = null;
    client = null;
    // the client closes its connection; closing the connection first (it is pooled: that only
    // marks it closed) makes the client end it a second time (an AssertionError under -ea)
    if (r != null) return r.close();
    return c == null ? Future.succeededFuture() : c.close();
  }
}
