package io.ember.scheduler;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;

/**
 * The worker pool of the task running on this thread, so that a blocking {@code get} inside a
 * task gives back its slot while it waits.
 */
public final class TaskContext {
  private static final ThreadLocal<WorkerPool<?>> POOL = new ThreadLocal<>();

  private TaskContext() {}

  public static void enter(WorkerPool<?> pool) {
    POOL.set(pool);
  }

  public static void exit() {
    POOL.remove();
  }

  public static boolean blockBegin() {
    WorkerPool<?> p = POOL.get();
    if (p == null) return false;
    if (!p.blocked()) {
      throw new EmberException(ErrorCode.UNAVAILABLE,
          "too many tasks are blocked in get() on this node (scheduler.maxBlockedWorkers)");
    }
    return true;
  }

  public static void blockEnd() {
    WorkerPool<?> p = POOL.get();
    if (p != null) p.unblocked();
  }
}
