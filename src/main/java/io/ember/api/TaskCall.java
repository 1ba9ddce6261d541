package io.ember.api;

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

  /** Submits the task; returns at once with the reference to its result. */
  ObjectRef<R> remote();
}
