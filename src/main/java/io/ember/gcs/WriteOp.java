package io.ember.gcs;

import io.vertx.core.Promise;
import io.vertx.redis.client.Request;

/**
 * One queued table write, already encoded as the write script's op code and arguments (each a
 * {@code String} or a {@code byte[]}), or a flush marker that completes a promise once every op
 * queued before it is acknowledged. Immutable once queued: it may be re-sent after a reconnect.
 */
final class WriteOp {
  final Object[] args;
  final Promise<Void> marker;

  private WriteOp(Object[] args, Promise<Void> marker) {
    this.args = args;
    this.marker = marker;
  }

  static WriteOp of(Object... args) {
    return new WriteOp(args, null);
  }

  static WriteOp marker(Promise<Void> p) {
    return new WriteOp(null, p);
  }

  boolean isMarker() {
    return marker != null;
  }

  void appendTo(Request r) {
    for (Object a : args) {
      if (a instanceof byte[] b) {
        r.arg(b);
      } else {
        r.arg((String) a);
      }
    }
  }
}
