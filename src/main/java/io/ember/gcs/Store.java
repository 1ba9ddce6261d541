package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
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

  Store(Redis redis, String host, int port) {
    this.redis = redis;
    this.host = host;
    this.port = port;
  }

  Redis redis() {
    return redis;
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
    // Redis answered with an error; CONNECTION_CLOSED is the client's: the connection went away mid-request
    if (e instanceof Response && !String.valueOf(e.getMessage()).startsWith("CONNECTION_CLOSED")) return Future.failedFuture(e);
    return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE,
        "Redis at " + host + ":" + port + ": " + e.getMessage(), e));
  }
}
