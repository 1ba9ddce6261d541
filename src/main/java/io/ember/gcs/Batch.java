package io.ember.gcs;

import io.vertx.core.Promise;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * A group of ops sent as one EVALSHA, plus the flush markers that wait for it. Kept until Redis
 * acknowledges it, so it can be re-sent unchanged after a reconnect.
 */
final class Batch {
  final List<WriteOp> ops = new ArrayList<>();
  final List<Promise<Void>> markers = new ArrayList<>(1);
  Request request;

  void complete() {
    markers.forEach(Promise::tryComplete);
  }

  void fail(Throwable cause) {
    markers.forEach(p -> p.tryFail(cause));
  }
}
