package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pooled Redis client shared by the table classes (the pooled client recovers by itself
 * after an outage). {@link #send} and {@link #timed} bound a request by {@value #REQUEST_TIMEOUT_MS}
 * ms and turn a transport failure into UNAVAILABLE naming host:port (an error reply of Redis
 * passes through as it is); {@link #call} and {@link #run} pass the request as it is, for the
 * lease, claim, declare-dead and actor reads whose callers bound them.
 *
 * <p>Package-private: no class outside the GCS gets the raw client (tests go through
 * {@code GcsTesting}). It never blocks.
 */
final class Store {
  static final long REQUEST_TIMEOUT_MS = 10_000;

  private final Redis redis;
  private final String host;
  private final int port;
  private volatile int replicaAcks;

  Store(Redis redis, String host, int port) {
    this.redis = redis;
    this.host = host;
    this.port = port;
  }

  Redis redis() {
    return redis;
  }

  /** Replicas that must hold a write made with {@link #runAcked} before it counts (0 = none). */
  void replicaAcks(int n) {
    if (n < 0) throw new IllegalArgumentException("replica acknowledgements must be >= 0, got " + n);
    replicaAcks = n;
  }

  int replicaAcks() {
    return replicaAcks;
  }

  /**
   * As {@link #run}, for a write recovery relies on: with {@link #replicaAcks} > 0 the script and
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
        .compose(res -> replicated(c, want, deadline).map(res))
        .eventually(c::close));
  }

  private Future<Void> replicated(RedisConnection c, int want, long deadline) {
    long wait = Math.max(1, Math.min(WritePipeline.REPLICA_WAIT_MS, deadline - System.currentTimeMillis()));
    return c.send(Request.cmd(Command.WAIT).arg(want).arg(wait)).compose(r -> {
      if (r.toLong() >= want) return Future.succeededFuture();
      if (System.currentTimeMillis() >= deadline) {
        return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "Redis at " + host + ":" + port + ": "
            + r.toLong() + " of " + want + " replicas acknowledged a write within " + REQUEST_TIMEOUT_MS + " ms"));
      }
      return replicated(c, want, deadline);
    });
  }

  Future<Response> send(Request r) {
    return timed(redis.send(r));
  }

  Future<List<Response>> batch(List<Request> reqs) {
    return timed(redis.batch(reqs));
  }

  <T> Future<T> timed(Future<T> f) {
    return f.timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS).recover(this::unavailable);
  }

  /** The request as it is: no timeout, no translation. */
  Future<Response> call(Request r) {
    return redis.send(r);
  }

  /** Runs {@code script} (EVALSHA, EVAL on NOSCRIPT) with no timeout and no translation. */
  Future<Response> run(Script script, List<String> keys, Object... args) {
    return script.run(redis, keys, args);
  }

  Future<Void> close() {
    return redis.close();
  }

  private <T> Future<T> unavailable(Throwable e) {
    // merge: use RedisErrors.isTransient. "Not now" (LOADING, BUSY, READONLY, MASTERDOWN, ...) is an outage, not a bug
    if (WritePipeline.transientReply(e)) {
      return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "Redis at " + host + ":" + port + ": " + e.getMessage(), e));
    }
    if (e instanceof Response) return Future.failedFuture(e);   // Redis answered with an error
    return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE,
        "Redis at " + host + ":" + port + ": " + e.getMessage(), e));
  }
}
