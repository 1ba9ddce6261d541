package io.ember.object;

import io.ember.api.EmberException;
import io.ember.ids.ObjectId;
import io.ember.api.ErrorCode;
import io.ember.metrics.EmberMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves {@link TransferProtocol} requests on one accepted socket, one at a time: reads a
 * request, streams the answer, then reads the next.
 *
 * <p>From memory it writes the stored buffer in {@value #SLICE}-byte slices (views, not copies),
 * waiting for the socket to drain whenever its write queue is full; from a spill file it uses
 * {@code sendFile}. Must never block its event loop nor let a bad or vanished client take more
 * than its own connection down: any malformed request is answered with ERROR and closed, and a
 * close mid-stream abandons the stream (nothing keeps a reference to the socket afterwards).
 * If a spill file is deleted between the FOUND header and {@code sendFile}, the connection is
 * closed and the client sees {@code UNAVAILABLE}: the header cannot be taken back.
 */
final class ServerConnection {
  private static final Logger LOG = Logger.getLogger(ServerConnection.class.getName());
  static final int SLICE = 1 << 20;

  private final NetSocket socket;
  private final ObjectStore store;
  private final RecordParser parser;
  private Promise<Void> streaming; // the in-flight stream, failed if the socket closes
  private boolean closed;

  ServerConnection(NetSocket socket, ObjectStore store) {
    this.socket = socket;
    this.store = store;
    this.parser = RecordParser.newFixed(TransferProtocol.REQUEST_HEADER_BYTES, socket);
  }

  /** Starts serving; completes when the socket closes. */
  Future<Void> start(int writeQueueMaxBytes) {
    Promise<Void> ended = Promise.promise();
    socket.setWriteQueueMaxSize(writeQueueMaxBytes);
    socket.exceptionHandler(e -> socket.close());
    socket.closeHandler(v -> {
      closed = true;
      if (streaming != null) streaming.tryFail("connection closed");
      ended.tryComplete();
    });
    parser.handler(this::onHeader);
    return ended.future();
  }

  private void onHeader(Buffer header) {
    int length = header.getUnsignedShort(2);
    if (header.getByte(0) != TransferProtocol.MAGIC || header.getByte(1) != TransferProtocol.VERSION) {
      reject("not an Ember transfer request (wrong magic or version)");
    } else if (length == 0 || length > TransferProtocol.MAX_ID_BYTES) {
      reject("object id length " + length + " is not in 1.." + TransferProtocol.MAX_ID_BYTES);
    } else {
      parser.fixedSizeMode(length);
      parser.handler(this::onId);
    }
  }

  private void onId(Buffer text) {
    ObjectId id;
    try {
      id = ObjectId.parse(text.toString(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      reject(e.getMessage());
      return;
    }
    parser.pause();
    serve(id).onComplete(ar -> {
      if (ar.failed()) {
        if (!closed) LOG.log(Level.FINE, "sending object " + id + " failed", ar.cause());
        socket.close();
        return;
      }
      parser.fixedSizeMode(TransferProtocol.REQUEST_HEADER_BYTES);
      parser.handler(this::onHeader);
      parser.resume();
    });
  }

  private Future<Void> serve(ObjectId id) {
    Buffer inMemory = store.getIfInMemory(id);
    if (inMemory != null) return sendBuffer(inMemory);
    Path file = store.spillPathIfOnDisk(id);
    long size = store.sizeOf(id);
    if (file != null && size >= 0) {
      socket.write(TransferProtocol.found(size));
      EmberMetrics.TRANSFER_BYTES_SENT.increment(size);
      return size == 0 ? Future.succeededFuture() : socket.sendFile(file.toString(), 0, size);
    }
    // Between states (being read back, or just deleted): take the slow, exact path.
    return store.get(id).transform(ar -> {
      if (ar.succeeded() && ar.result() != null) return sendBuffer(ar.result());
      if (ar.succeeded()) return socket.write(TransferProtocol.notFound());
      ErrorCode code = ar.cause() instanceof EmberException e ? e.code() : ErrorCode.INTERNAL;
      return socket.write(TransferProtocol.error(code, String.valueOf(ar.cause().getMessage())))
          .transform(written -> Future.<Void>failedFuture(ar.cause())); // closed once the error is out
    });
  }

  private Future<Void> sendBuffer(Buffer value) {
    socket.write(TransferProtocol.found(value.length()));
    EmberMetrics.TRANSFER_BYTES_SENT.increment(value.length());
    if (value.length() == 0) return Future.succeededFuture();
    streaming = Promise.promise();
    new SliceWriter(value, streaming).run();
    return streaming.future().andThen(ar -> {
      streaming = null;
      socket.drainHandler(null);
    });
  }

  /**
   * Writes one buffer in slices. Its position only moves forward, so a drain event that arrives
   * after the last slice (the drain handler stays registered until the stream ends) cannot make
   * it send bytes twice.
   */
  private final class SliceWriter implements Runnable {
    private final Buffer value;
    private final Promise<Void> done;
    private int pos;

    SliceWriter(Buffer value, Promise<Void> done) {
      this.value = value;
      this.done = done;
    }

    @Override
    public void run() {
      int len = value.length();
      while (pos < len && !closed && !done.future().isComplete()) {
        if (socket.writeQueueFull()) {
          socket.drainHandler(v -> run());
          return;
        }
        int end = Math.min(len, pos + SLICE);
        Future<Void> written = socket.write(value.slice(pos, end));
        pos = end;
        if (pos == len) written.onComplete(v -> done.tryComplete(), done::tryFail);
      }
    }
  }

  private void reject(String why) {
    parser.pause();
    socket.write(TransferProtocol.error(ErrorCode.BAD_REQUEST, why)).eventually(socket::close);
  }
}
