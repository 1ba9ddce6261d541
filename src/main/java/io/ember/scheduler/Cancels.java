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
  /** False until the first cancel: the check on every task's path is then one volatile read. */
  private volatile boolean any;

  private record Running(Thread thread, ClientId owner) {}

  /** Remembers {@code c}; interrupts the task's thread if it runs here now (for that owner). True if it did. */
  boolean cancel(TaskCancel c) {
    any = true;
    cancelled.put(c.task(), c.owner());
    boolean[] interrupted = {false};
    running.computeIfPresent(c.task(), (k, r) -> { // atomic with ended()'s removal: no interrupt after the task ended
      if (r.owner().equals(c.owner())) {
        r.thread().interrupt();
        interrupted[0] = true;
      }
      return r;
    });
    return interrupted[0];
  }

  /** Whether {@code spec}'s owner cancelled it. */
  boolean cancelled(TaskSpec spec) {
    if (!any) return false;
    ClientId by = cancelled.get(spec.id());
    return by != null && by.equals(spec.owner());
  }

  /** The calling worker thread starts running {@code spec}; a cancel that came just before interrupts it at once. */
  void started(TaskSpec spec) {
    running.put(spec.id(), new Running(Thread.currentThread(), spec.owner()));
    if (cancelled(spec)) Thread.currentThread().interrupt();
  }

  /** The calling worker thread is done with {@code task}: no interrupt reaches it for that task any more, and none is left pending. */
  void ended(TaskId task) {
    Thread self = Thread.currentThread();
    running.computeIfPresent(task, (k, r) -> r.thread() == self ? null : r);
    Thread.interrupted(); // clears an interrupt that arrived while the task ran
  }
}
