package io.ember.object;

import io.ember.api.EmberException;
import io.ember.ids.ObjectId;
import io.ember.api.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes one {@link TransferProtocol} response from the chunks a socket delivers, however they
 * are cut. The value's buffer is allocated once, from the announced size.
 *
 * <p>A plain state machine: never touches a socket, so it is tested without one. Not thread-safe
 * (a socket delivers on one event loop).
 */
final class ResponseReader {
  private enum State { STATUS, SIZE, ERROR_HEADER, ERROR_TEXT, BODY, DONE }

  private final ObjectId id;
  private final long maxObjectBytes;
  private final String source;
  private State state = State.STATUS;
  private Buffer header;
  private int headerNeeded;
  private int errorCode;
  private long size = -1;
  private Buffer body;

  ResponseReader(ObjectId id, long maxObjectBytes, String source) {
    this.id = id;
    this.maxObjectBytes = maxObjectBytes;
    this.source = source;
  }

  /**
   * Consumes a chunk. Throws {@link EmberException} when the response is an error, announces an
   * object over the maximum, or is malformed; the caller then closes the connection.
   */
  void feed(Buffer chunk) {
    int pos = 0;
    int len = chunk.length();
    while (pos < len) {
      switch (state) {
        case STATUS -> status(chunk.getByte(pos++));
        case SIZE, ERROR_HEADER, ERROR_TEXT -> pos = fillHeader(chunk, pos);
        case BODY -> pos = fillBody(chunk, pos);
        case DONE -> throw protocolError("unexpected bytes after the response");
      }
    }
  }

  /** Whether any byte of the response has arrived. */
  boolean started() {
    return state != State.STATUS;
  }

  boolean done() {
    return state == State.DONE;
  }

  /** The value, or null when the server does not have the object. Valid once {@link #done()}. */
  Buffer value() {
    return body;
  }

  /** How far the response got, for error messages. */
  String progress() {
    if (state == State.BODY) return body.length() + " of " + size + " bytes";
    return "before the object's bytes (" + state.name().toLowerCase() + ")";
  }

  private void status(byte status) {
    switch (status) {
      case TransferProtocol.FOUND -> expectHeader(State.SIZE, 8);
      case TransferProtocol.NOT_FOUND -> state = State.DONE;
      case TransferProtocol.ERROR -> expectHeader(State.ERROR_HEADER, 4);
      default -> throw protocolError("unknown status byte " + status);
    }
  }

  private void expectHeader(State next, int bytes) {
    state = next;
    headerNeeded = bytes;
    header = Buffer.buffer(bytes);
  }

  private int fillHeader(Buffer chunk, int pos) {
    int n = Math.min(headerNeeded - header.length(), chunk.length() - pos);
    header.appendBuffer(chunk, pos, n);
    if (header.length() == headerNeeded) headerComplete();
    return pos + n;
  }

  private void headerComplete() {
    switch (state) {
      case SIZE -> startBody(header.getLong(0));
      case ERROR_HEADER -> {
        errorCode = header.getUnsignedShort(0);
        int textBytes = header.getUnsignedShort(2);
        if (textBytes == 0) throw remoteError("");
        expectHeader(State.ERROR_TEXT, textBytes);
      }
      case ERROR_TEXT -> throw remoteError(header.toString(StandardCharsets.UTF_8));
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void startBody(long announced) {
    if (announced < 0) throw protocolError("negative size " + announced);
    if (announced > maxObjectBytes || announced > Integer.MAX_VALUE - 8) {
      throw new EmberException(ErrorCode.OBJECT_TOO_LARGE, "object " + id + " from " + source + " is "
          + announced + " bytes, more than the maximum of " + Math.min(maxObjectBytes, Integer.MAX_VALUE - 8));
    }
    size = announced;
    body = Buffer.buffer((int) announced);
    state = announced == 0 ? State.DONE : State.BODY;
  }

  private int fillBody(Buffer chunk, int pos) {
    int n = (int) Math.min(size - body.length(), chunk.length() - pos);
    body.appendBuffer(chunk, pos, n);
    if (body.length() == size) state = State.DONE;
    return pos + n;
  }

  private EmberException remoteError(String message) {
    state = State.DONE;
    return new EmberException(ErrorCode.of(errorCode), source + " could not send object " + id + ": " + message);
  }

  private EmberException protocolError(String what) {
    return new EmberException(ErrorCode.UNAVAILABLE,
        "malformed transfer response from " + source + " for object " + id + ": " + what);
  }
}
