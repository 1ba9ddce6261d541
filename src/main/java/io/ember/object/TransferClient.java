package io.ember.object;

import io.ember.api.EmberException;
import io.ember.ids.ObjectId;
import io.ember.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;

/**
 * Fetches objects from other nodes' {@link TransferServer}s, one TCP connection per fetch, so
 * any number of fetches run concurrently and a failed transfer takes no other one down.
 *
 * <p>Responsible for turning every way a transfer can go wrong into a typed failure:
 * {@code UNAVAILABLE} when the connection cannot be made, closes early, stays silent for
 * {@value #READ_IDLE_SECONDS} s, or carries a malformed response; {@code OBJECT_TOO_LARGE} when
 * the announced size is over the maximum (checked before any allocation); the server's own code
 * when it answers ERROR. Must never leave a fetch pending forever, nor keep a connection open
 * once its fetch has completed.
 */
public final class TransferClient {
  static final int READ_IDLE_SECONDS = 30;

  private final long maxObjectBytes;
  private final NetClient client;

  public TransferClient(Vertx vertx, long maxObjectBytes) {
    this.maxObjectBytes = maxObjectBytes;
    this.client = vertx.createNetClient(new NetClientOptions()
        .setTcpNoDelay(true)
        .setConnectTimeout(5_000)
        .setReadIdleTimeout(READ_IDLE_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS));
  }

  /** The object from host:port, or null if that server does not have it. */
  public Future<Buffer> fetch(String host, int port, ObjectId id) {
    String source = host + ":" + port;
    return client.connect(port, host)
        .recover(e -> Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE,
            "cannot connect to " + source + " to fetch object " + id + ": " + e.getMessage(), e)))
        .compose(socket -> exchange(socket, id, new ResponseReader(id, maxObjectBytes, source), source));
  }

  public Future<Void> close() {
    return client.close();
  }

  private Future<Buffer> exchange(NetSocket socket, ObjectId id, ResponseReader reader,
      String source) {
    Promise<Buffer> result = Promise.promise();
    socket.handler(chunk -> {
      try {
        reader.feed(chunk);
      } catch (EmberException e) {
        result.tryFail(e);
        socket.close();
        return;
      }
      if (reader.done() && result.tryComplete(reader.value())) socket.close();
    });
    socket.exceptionHandler(e -> {
      result.tryFail(new EmberException(ErrorCode.UNAVAILABLE,
          "transfer of object " + id + " from " + source + " failed after " + reader.progress() + ": " + e, e));
      socket.close();
    });
    socket.closeHandler(v -> result.tryFail(new EmberException(ErrorCode.UNAVAILABLE,
        "connection to " + source + " closed while fetching object " + id + ", " + reader.progress())));
    socket.write(TransferProtocol.request(id));
    return result.future();
  }
}
