package io.ember.scheduler;

import io.ember.ids.ClientId;
import io.ember.ids.TaskId;
import io.ember.protocol.TaskCancel;
import io.ember.protocol.TaskSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's memory of cancelled tasks, and which worker thread runs which task, so that a cancel
 * can interrupt it. A cancel is remembered (bounded, the newest {@value #REMEMBERED}) because it
 * may arrive before the task itself (a hand-off or a forward still on its way); it applies only to
 * a spec whose owner is the one that cancelled. A worker thread is interrupted only while it is
 * registered as running that task, and its flag is cleared when the task ends, so an interrupt
 * never leaks into the next task the thread runs. Safe from any thread.
 */
final class Cancels {
  static final int REMEMBERED = 10_000;

  private final Map<TaskId, ClientId> cancelled = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<TaskId, ClientId> eldest) {
      return size() > REMEMBERED;
    }
  });
  private final Map<TaskId, Running> running = new ConcurrentHashMap<>();

  private record Running(Thread thread, ClientId owner) {}

  /** Remembers {@code c}; interrupts the task's thread if it runs here now (for that owner). True if it did. */
  boolean cancel(TaskCancel c) {
    cancelled.put(c.task(), c.owner());
    synchronized (this) {
      Running r = running.get(c.task());
      if (r == null || !r.owner().equals(c.owner())) return false;
      r.thread().interrupt();
      return true;
    }
  }

  /** Whether {@code spec}'s owner cancelled it. */
  boolean cancelled(TaskSpec spec) {
    ClientId by = cancelled.get(spec.id());
    return by != null && by.equals(spec.owner());
  }

  /** The calling worker thread starts running {@code spec}. */
  void started(TaskSpec spec) {
    running.put(spec.id(), new Running(Thread.currentThread(), spec.owner()));
  }

  /** The calling worker thread is done with {@code task}: no interrupt reaches it for that task any more, and none is left pending. */
  void ended(TaskId task) {
    synchronized (this) {
      Running r = running.get(task);
      if (r != null && r.thread() == Thread.currentThread()) running.remove(task);
    }
    Thread.interrupted(); // clears an interrupt that arrived while the task ran
  }
}
