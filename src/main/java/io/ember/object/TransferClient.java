package io.ember.object;

import io.ember.api.EmberException;
import io.ember.ids.ObjectId;
import io.ember.api.ErrorCode;
import io.ember.security.ClusterTls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * Fetches objects from other nodes' {@link TransferServer}s. Each fetch has a connection to
 * itself, so any number run concurrently and a failed transfer takes no other one down; after a
 * complete response the connection is kept idle (up to {@value #MAX_IDLE} per server and calling
 * context, closed after {@value #READ_IDLE_SECONDS} s) for the next fetch, which saves the
 * connection set-up that dominates small fetches. A fetch on a reused connection that the server
 * had already closed is retried once on a new one (fetches are idempotent).
 *
 * <p>Responsible for turning every way a transfer can go wrong into a typed failure:
 * {@code UNAVAILABLE} when the connection cannot be made, closes early, stays silent for
 * {@value #READ_IDLE_SECONDS} s, or carries a malformed response; {@code OBJECT_TOO_LARGE} when
 * the announced size is over the maximum (checked before any allocation); the server's own code
 * when it answers ERROR. Must never leave a fetch pending forever, nor reuse a connection whose
 * last exchange did not end cleanly, nor hand a connection to a fetch on another context (its
 * callbacks would run on the wrong event loop).
 */
public final class TransferClient {
  static final int READ_IDLE_SECONDS = 30;
  static final int MAX_IDLE = 8;

  private record PoolKey(String host, int port, Context context) {
  }

  private final long maxObjectBytes;
  private final NetClient client;
  private final Map<PoolKey, Deque<NetSocket>> idle = new ConcurrentHashMap<>();

  public TransferClient(Vertx vertx, long maxObjectBytes) {
    this(vertx, maxObjectBytes, null);
  }

  /** {@code tls}: the cluster's TLS identity, presented to servers that require it (null: clear text). */
  public TransferClient(Vertx vertx, long maxObjectBytes, ClusterTls tls) {
    this.maxObjectBytes = maxObjectBytes;
    NetClientOptions options = new NetClientOptions()
        .setTcpNoDelay(true)
        .setConnectTimeout(5_000)
        .setReadIdleTimeout(READ_IDLE_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (tls != null) tls.applyTo(options);
    this.client = vertx.createNetClient(options);
  }

  /** The object from host:port, or null if that server does not have it. */
  public Future<Buffer> fetch(String host, int port, ObjectId id) {
    PoolKey key = new PoolKey(host, port, Vertx.currentContext());
    NetSocket reused = idleSockets(key).pollFirst();
    if (reused == null) return fetchFresh(key, id);
    ResponseReader reader = reader(key, id);
    return exchange(key, reused, id, reader)
        .recover(e -> reader.started() ? Future.failedFuture(e) : fetchFresh(key, id));
  }

  public Future<Void> close() {
    return client.close();
  }

  private Future<Buffer> fetchFresh(PoolKey key, ObjectId id) {
    return client.connect(key.port(), key.host())
        .recover(e -> Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE,
            "cannot connect to " + source(key) + " to fetch object " + id + ": " + e.getMessage(), e)))
        .compose(socket -> exchange(key, socket, id, reader(key, id)));
  }

  private ResponseReader reader(PoolKey key, ObjectId id) {
    return new ResponseReader(id, maxObjectBytes, source(key));
  }

  private Future<Buffer> exchange(PoolKey key, NetSocket socket, ObjectId id, ResponseReader reader) {
    Promise<Buffer> result = Promise.promise();
    String source = source(key);
    socket.handler(chunk -> {
      try {
        reader.feed(chunk);
      } catch (EmberException e) {
        result.tryFail(e);
        socket.close();
        return;
      }
      if (reader.done() && !result.future().isComplete()) {
        release(key, socket); // before completing, so that a follow-up fetch finds it idle
        result.complete(reader.value());
      }
    });
    socket.exceptionHandler(e -> {
      result.tryFail(new EmberException(ErrorCode.UNAVAILABLE,
          "transfer of object " + id + " from " + source + " failed " + reader.progress() + ": " + e, e));
      socket.close();
    });
    socket.closeHandler(v -> result.tryFail(new EmberException(ErrorCode.UNAVAILABLE,
        "connection to " + source + " closed while fetching object " + id + ", " + reader.progress())));
    socket.write(TransferProtocol.request(id));
    return result.future();
  }

  /** Keeps a cleanly finished connection for the next fetch, or closes it. */
  private void release(PoolKey key, NetSocket socket) {
    Deque<NetSocket> sockets = idleSockets(key);
    if (sockets.size() >= MAX_IDLE) {
      socket.close();
      return;
    }
    socket.handler(unexpected -> socket.close());
    socket.exceptionHandler(e -> socket.close());
    socket.closeHandler(v -> sockets.remove(socket));
    sockets.offerFirst(socket);
  }

  private Deque<NetSocket> idleSockets(PoolKey key) {
    return idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
  }

  private static String source(PoolKey key) {
    return key.host() + ":" + key.port();
  }
}
