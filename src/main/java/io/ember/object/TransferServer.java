package io.ember.object;

import io.ember.security.ClusterTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves this node's objects to other nodes over plain TCP (the clustered event bus is too slow
 * for bulk bytes), in the {@link TransferProtocol} format; each accepted connection is handled by
 * a {@link ServerConnection}.
 *
 * <p>Responsible for the listening socket and for closing idle connections (a client that stops
 * reading or never finishes its request is cut after {@value #IDLE_TIMEOUT_SECONDS} s). Must never
 * modify the store: it only reads from it.
 */
public final class TransferServer {
  static final int IDLE_TIMEOUT_SECONDS = 60;
  private static final int WRITE_QUEUE_BYTES = 4 << 20;

  private final Vertx vertx;
  private final ObjectStore store;
  private final ClusterTls tls;
  private final AtomicInteger openConnections = new AtomicInteger();
  private NetServer server;

  public TransferServer(Vertx vertx, ObjectStore store) {
    this(vertx, store, null);
  }

  /**
   * {@code tls} (null: clear text): every connection must complete a TLS 1.3 handshake with a
   * client certificate derived from the cluster secret before it can ask for anything; one
   * without it is closed by the handshake, and no request of it is ever read.
   */
  public TransferServer(Vertx vertx, ObjectStore store, ClusterTls tls) {
    this.vertx = vertx;
    this.store = store;
    this.tls = tls;
  }

  /** Starts listening; completes with the bound port (useful with port 0, "any free port"). */
  public Future<Integer> listen(String host, int port) {
    NetServerOptions options = new NetServerOptions()
        .setHost(host).setPort(port)
        .setTcpNoDelay(true)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (tls != null) tls.applyTo(options);
    server = vertx.createNetServer(options).connectHandler(this::accept);
    return server.listen().map(NetServer::actualPort);
  }

  /** Stops listening and closes every open connection (transfers in flight fail on the client side). */
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Connections currently open, for tests and status. */
  int openConnections() {
    return openConnections.get();
  }

  private void accept(NetSocket socket) {
    openConnections.incrementAndGet();
    new ServerConnection(socket, store).start(WRITE_QUEUE_BYTES)
        .onComplete(ar -> openConnections.decrementAndGet());
  }
}
