package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.util.Retry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The pooled Redis client shared by the table classes (the pooled client recovers by itself
 * after an outage; through Sentinels, each new connection goes to the primary they name).
 *
 * <p>Transient failures ({@link RedisErrors}) are waited out, for at most
 * {@value #REQUEST_TIMEOUT_MS} ms with back-off, then fail with UNAVAILABLE naming the endpoint
 * and the last reply: {@link #send} and {@link #batch} (reads) retry both transient replies and a
 * lost or silent connection; {@link #writeBatch} and {@link #refusable} (writes, scripts) retry
 * only transient replies (Redis refused the command, so it did not run), and a lost connection
 * fails at once, since the write may have landed. An error reply that is an answer (a wrong type,
 * a script's NOT_LEADER) passes through as it is. {@link #call} and {@link #run} pass the request
 * as it is, for the lease, claim, declare-dead and actor reads whose callers bound them.
 *
 * <p>A READONLY reply means the connection reaches a replica (a demoted primary): the pooled
 * client is replaced by a new one (whose first connection asks the Sentinels again, with no
 * cached topology), and the old one closed once its requests in flight are over.
 *
 * <p>Package-private: no class outside the GCS gets the raw client (tests go through
 * {@code GcsTesting}). It never blocks.
 */
final class Store {
  private static final Logger LOG = Logger.getLogger(Store.class.getName());
  static final long REQUEST_TIMEOUT_MS = 10_000;
  static final long FIRST_PAUSE_MS = 50;
  static final long MAX_PAUSE_MS = 1_000;
  /**
   * A read's try gets at most this long: a connection to a primary that is frozen (not dead)
   * never fails by itself, and the next try, on another connection, reaches the primary the
   * Sentinels name by then.
   */
  static final long READ_TRY_MS = 3_000;

  private final Vertx vertx;
  private final RedisEndpoint endpoint;
  private final long waitMs;
  private final Clock clock = Clock.systemUTC();
  private final AtomicInteger replaced = new AtomicInteger();
  private volatile Redis redis;
  private volatile boolean closed;
  private volatile int replicaAcks;
  /** The replicas are there to wait for (see {@link Keys#GROUP_ACKS}); stays true once seen. */
  private volatile boolean grown = true;

  Store(Vertx vertx, RedisEndpoint endpoint) {
    this(vertx, endpoint, REQUEST_TIMEOUT_MS);
  }

  /** With {@code waitMs} instead of {@value #REQUEST_TIMEOUT_MS} as the bound of a request and its retries (tests). */
  Store(Vertx vertx, RedisEndpoint endpoint, long waitMs) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.waitMs = waitMs;
    this.redis = create();
  }

  RedisEndpoint endpoint() {
    return endpoint;
  }

  Redis redis() {
    return redis;
  }

  /** How many times the pooled client was replaced after a READONLY reply (tests). */
  int replacedClients() {
    return replaced.get();
  }

  /** Replicas that must hold a write made with {@link #runAcked} before it counts (0 = none). */
  void replicaAcks(int n, boolean onceGrown) {
    if (n < 0) throw new IllegalArgumentException("replica acknowledgements must be >= 0, got " + n);
    replicaAcks = n;
    grown = !onceGrown;
  }

  /** An Ember Redis group's acknowledgements start once its primary holds {@link Keys#GROUP_ACKS}; anyone else's at once. */
  boolean acksOnceGrown() {
    return !grown;
  }

  int replicaAcks() {
    return replicaAcks;
  }

  /**
   * As {@link #run}, for a write recovery relies on: with {@link #replicaAcks} > 0 (and, for an
   * Ember Redis group, once it has its replicas: {@link Keys#GROUP_ACKS}) the script and
   * then {@code WAIT} go over one connection taken from the pool (WAIT counts the writes of its own
   * connection), asked again while too few replicas have it, and the reply is given only once
   * enough do; if they do not within {@value #REQUEST_TIMEOUT_MS} ms it fails with UNAVAILABLE (the
   * write may have been applied: every such script is idempotent, its caller tries again).
   */
  Future<Response> runAcked(Script script, List<String> keys, Object... args) {
    int want = replicaAcks;
    if (want == 0) return run(script, keys, args);
    long deadline = System.currentTimeMillis() + REQUEST_TIMEOUT_MS;
    return redis.connect().compose(c -> script.run(c::send, keys, args)
        .compose(res -> grown(c).compose(g -> g ? replicated(c, want, deadline) : Future.<Void>succeededFuture()).map(res))
        .eventually(c::close));
  }

  /** Asked after the write on its connection: the group had its replicas when the write landed if it has them now. */
  private Future<Boolean> grown(RedisConnection c) {
    if (grown) return Future.succeededFuture(true);
    return c.send(Request.cmd(Command.GET).arg(Keys.GROUP_ACKS)).map(r -> {
      if (r != null) grown = true;
      return r != null;
    });
  }

  private Future<Void> replicated(RedisConnection c, int want, long deadline) {
    long wait = Math.max(1, Math.min(ReplicaWait.WAIT_MS, deadline - System.currentTimeMillis()));
    return c.send(Request.cmd(Command.WAIT).arg(want).arg(wait)).compose(r -> {
      if (r.toLong() >= want) return Future.succeededFuture();
      if (System.currentTimeMillis() >= deadline) {
        return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "Redis at " + endpoint.describe() + ": "
            + r.toLong() + " of " + want + " replicas acknowledged a write within " + REQUEST_TIMEOUT_MS + " ms"));
      }
      return replicated(c, want, deadline);
    });
  }

  /** A read: transient replies and connection losses (or a try silent for {@value #READ_TRY_MS} ms) are retried until the deadline. */
  Future<Response> send(Request r) {
    return retried(RedisErrors::isTransient, READ_TRY_MS, () -> call(r));
  }

  /** Reads in one round trip: retried as {@link #send} is. */
  Future<List<Response>> batch(List<Request> reqs) {
    return retried(RedisErrors::isTransient, READ_TRY_MS, () -> watch(redis.batch(reqs)));
  }

  /** Writes in one round trip: only transient replies are retried (a lost connection may have applied them). */
  Future<List<Response>> writeBatch(List<Request> reqs) {
    return retried(RedisErrors::isTransientReply, waitMs, () -> watch(redis.batch(reqs)));
  }

  /** A write or script: re-made while Redis refuses it with a transient reply, bounded as {@link #send} is. */
  <T> Future<T> refusable(Supplier<Future<T>> attempt) {
    return retried(RedisErrors::isTransientReply, waitMs, attempt);
  }

  /** The request as it is: no timeout, no translation. */
  Future<Response> call(Request r) {
    return watch(redis.send(r));
  }

  /** Runs {@code script} (EVALSHA, EVAL on NOSCRIPT) with no timeout and no translation. */
  Future<Response> run(Script script, List<String> keys, Object... args) {
    return watch(script.run(redis, keys, args));
  }

  Future<Void> close() {
    closed = true;
    return redis.close();
  }

  private <T> Future<T> retried(Predicate<Throwable> retryable, long tryMs, Supplier<Future<T>> attempt) {
    long start = clock.millis();
    long deadline = start + waitMs;
    // the last reply seen: a try cut short by the deadline must not hide why Redis was not serving
    AtomicReference<Throwable> lastReply = new AtomicReference<>();
    return Retry.backoff(vertx, clock, FIRST_PAUSE_MS, MAX_PAUSE_MS)
        .until(deadline, retryable, () -> {
          Redis used = redis;
          return attempt.get()
              .timeout(Math.max(1, Math.min(tryMs, deadline - clock.millis())), TimeUnit.MILLISECONDS)
              .onFailure(e -> {
                if (e instanceof Response) lastReply.set(e);
                if (e instanceof TimeoutException && endpoint instanceof RedisEndpoint.Sentinel) replace(used, "went silent");
                else if (!(e instanceof Response) && endpoint instanceof RedisEndpoint.Sentinel s) reorder(used, s);
              });
        })
        .recover(e -> Future.failedFuture(translate(e instanceof Response || lastReply.get() == null ? e : lastReply.get(), start)));
  }

  private Throwable translate(Throwable e, long start) {
    if (e instanceof EmberException) return e;
    if (RedisErrors.isTransient(e)) return RedisErrors.unavailable(endpoint, clock.millis() - start, e);
    if (e instanceof Response) return e;   // Redis answered with an error
    return new EmberException(ErrorCode.UNAVAILABLE, "Redis at " + endpoint.describe() + ": " + e.getMessage(), e);
  }

  /** Replaces the pooled client when a reply says it reached a replica. */
  private <T> Future<T> watch(Future<T> f) {
    Redis used = redis;
    return f.onFailure(e -> {
      if (RedisErrors.isReadOnly(e)) replace(used, "answered READONLY (a replica, or a primary demoted by a failover)");
    });
  }

  /**
   * A new pooled client, whose first connection asks the Sentinels again: after a READONLY reply,
   * or (through Sentinels) a try that got no answer at all: a primary cut off by a partition drops
   * packets silently, and the pool would go on handing out its connections to it.
   */
  private synchronized void replace(Redis used, String why) {
    if (closed || redis != used) return;   // already replaced for this client
    redis = create();
    replaced.incrementAndGet();
    LOG.warning("Redis at " + endpoint.describe() + " " + why + ": reconnecting to the current primary");
    vertx.setTimer(waitMs, t -> used.close());
  }

  /**
   * A connection through the sentinels failed: if asking them all puts another sentinel first
   * (the first one missed a failover and names a dead primary), a new pooled client asks that one.
   */
  private void reorder(Redis used, RedisEndpoint.Sentinel s) {
    List<String> before = SentinelOrder.current(s.sentinels(), s.masterName());
    SentinelOrder.suspect(vertx, s.options()).onComplete(v -> {
      if (!SentinelOrder.current(s.sentinels(), s.masterName()).equals(before)) replace(used, "could not be reached as the sentinels named it");
    });
  }

  private Redis create() {
    return Redis.createClient(vertx, endpoint.options().setMaxPoolSize(8).setMaxPoolWaiting(4096));
  }
}
