package io.ember.api;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * A reference to an object in Ember's store: the future result of a task or a {@code put}
 * value. Pass it as an argument to other tasks; the value moves only where it is needed.
 */
public interface ObjectRef<T> {

  /** The object's id ({@code <task id>.<index>}), stable across re-executions. */
  String id();

  /** Blocks until the value is ready, up to the node's default get timeout. Not on an event loop. */
  T get();

  /** Blocks until the value is ready or the timeout passes ({@link GetTimeoutException}). */
  T get(Duration timeout);

  /** The value as a Vert.x future, for non-blocking code (event loops). */
  Future<T> toFuture();
}
