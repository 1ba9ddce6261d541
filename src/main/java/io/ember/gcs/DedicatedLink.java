package io.ember.gcs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.ember.util.BoundedWait;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Redis connection on a small Vert.x instance of its own (one event loop, one worker): the
 * monitor lease's connection, so that renewing the lease depends neither on the node's event
 * loops (a flood of tasks can keep them busy for seconds) nor on the pooled client's queue
 * (which carries every table read), only on Redis itself; and the start-up look at a Redis
 * found on a port ({@link StaleRedis}, {@link RedisProcess}), before any event loop exists.
 *
 * <p>The connection is a {@link RedisLink} (the Vert.x Redis client's dedicated connection,
 * reconnected with back-off after any loss, Redis restarts included). A request that gets no
 * answer within {@code timeoutMs}, fails in transport, or is refused with READONLY (the server is a
 * replica now: a primary demoted by a failover) drops the connection so that the next one
 * reconnects (through Sentinels, to the primary they name then); any other error reply of Redis
 * (NOT_LEADER, NOSCRIPT, WRONGTYPE) passes through and keeps it. Requests sent while it reconnects fail at once, except before the first connection,
 * which they wait for (within {@code timeoutMs}).
 *
 * <p>Callable from any thread; every method returns a Future, and {@link #await} is the one
 * blocking wait, for the plain threads that need an answer (the lease keeper's, start-up): it
 * refuses to run on an event loop. {@link #close} stops the Vert.x instance too.
 */
public final class DedicatedLink implements AutoCloseable {
  /** Only the reconnect delays of these options matter here: fast enough to renew within a lease. */
  private static final WriterOptions RECONNECT = new WriterOptions(1, 1, 1, 10, 250);

  private final Vertx vertx;
  private final Context context;
  private final String address;
  private final long timeoutMs;
  private final Promise<Void> firstConnected = Promise.promise();
  private final RedisLink link;

  private DedicatedLink(RedisEndpoint endpoint, long timeoutMs) {
    this.vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1).setUseDaemonThread(true)
            .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)))
        .build();
    this.context = vertx.getOrCreateContext();
    this.address = endpoint.describe();
    this.timeoutMs = timeoutMs;
    var options = endpoint.options();
    options.getNetClientOptions().setConnectTimeout((int) timeoutMs);
    this.link = new RedisLink(context, options, RECONNECT, null, firstConnected::tryComplete);
    context.runOnContext(v -> link.start());
  }

  /** Connects to {@code host:port} on a Vert.x instance of its own; {@code timeoutMs} bounds each request. */
  public static DedicatedLink open(String host, int port, long timeoutMs) {
    return open(host, port, null, timeoutMs);
  }

  /** As above, authenticating with {@code password} (null or "" = none). */
  public static DedicatedLink open(String host, int port, String password, long timeoutMs) {
    return new DedicatedLink(RedisEndpoint.standalone(host, port).withPassword(password), timeoutMs);
  }

  /**
   * Connects to {@code endpoint} on a Vert.x instance of its own; {@code timeoutMs} bounds each
   * request. Through Sentinels, every reconnect asks them for the current primary, so the link
   * follows a failover.
   */
  public static DedicatedLink open(RedisEndpoint endpoint, long timeoutMs) {
    return new DedicatedLink(endpoint, timeoutMs);
  }

  /** Sends {@code request} over this connection; fails after {@code timeoutMs} without an answer. */
  Future<Response> send(Request request) {
    Promise<Response> answer = Promise.promise();
    context.runOnContext(v -> sendHere(request).onComplete(answer));
    return answer.future();
  }

  /** Runs {@code script} (EVALSHA, EVAL on NOSCRIPT), as {@link Script#run} does on the pooled client. */
  Future<Response> run(Script script, List<String> keys, Object... args) {
    return script.run(this::send, keys, args);
  }

  /**
   * Waits for {@code f} on this (plain) thread, at most a little longer than a request's
   * timeout; its value, or an IOException naming Redis (an error reply keeps its message).
   */
  public <T> T await(Future<T> f) throws IOException {
    if (Context.isOnEventLoopThread()) throw new IllegalStateException("a blocking wait on an event loop");
    try {
      return f.toCompletionStage().toCompletableFuture().get(2 * timeoutMs + 100, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Response ? new IOException(e.getCause().getMessage(), e.getCause())
          : new IOException("Redis at " + address + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("Redis at " + address + " did not answer within " + (2 * timeoutMs + 100) + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for Redis at " + address, e);
    }
  }

  /** On this link's context. */
  private Future<Response> sendHere(Request request) {
    if (!link.ready()) {
      return firstConnected.future().isComplete()
          ? Future.failedFuture(new IOException("not connected (reconnecting)"))
          : firstConnected.future().timeout(timeoutMs, TimeUnit.MILLISECONDS).compose(v -> send(request));
    }
    int generation = link.generation();
    return link.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onSuccess(r -> link.healthy())
        .onFailure(e -> {
          // lost or silent, or a replica's READONLY (a demoted primary): the next request reconnects,
          // asking the Sentinels again when there are some
          if (!(e instanceof Response) || RedisErrors.isReadOnly(e)) link.lost(generation, e);
        });
  }

  /** Drops the connection and stops this link's Vert.x instance (waits for it at most 2 s off an event loop). */
  @Override
  public void close() {
    // its threads are daemons: a Vert.x that does not stop in time holds nothing the node needs
    BoundedWait.atMost(Future.<Void>future(p -> context.runOnContext(v -> link.close().onComplete(p))).eventually(vertx::close), 2000);
  }

}
