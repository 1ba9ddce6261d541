package io.ember.api;

import java.util.List;
import java.util.function.Consumer;

/** A task about to be submitted: set options, then {@link #remote()}. */
public interface TaskCall<R> {

  /** Adds a resource demand (default {@code cpu: 1}). */
  TaskCall<R> resource(String name, double amount);

  /** Retries after system failures (default 3). */
  TaskCall<R> maxRetries(int n);

  /** Also retry when user code throws (default: never). */
  TaskCall<R> retryExceptions(boolean retry);

  TaskCall<R> options(Consumer<TaskOptions> edit);

  /**
   * The task returns {@code n} values (default 1): its function returns an {@code Object[]} or a
   * {@code List} of exactly {@code n} elements, each stored as an object of its own; submit it
   * with {@link #remoteMany()}.
   */
  TaskCall<R> numReturns(int n);

  /** Submits the task; returns at once with the reference to its result. Only for one return value. */
  ObjectRef<R> remote();

  /**
   * Submits the task; returns at once with one reference per return value ({@link #numReturns}),
   * in order. A lost one is rebuilt by running the task again, which rebuilds them all.
   */
  <T> List<ObjectRef<T>> remoteMany();
}
