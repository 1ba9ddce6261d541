package io.ember.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs tasks off the event loop with at most {@code cpu} of them computing at once. A task that
 * blocks in {@code get} gives its slot back ({@link #blocked()}) so that the tasks it waits for
 * can run even when every slot is taken by waiters: nested workloads deeper than the pool never
 * deadlock. The threads themselves are not the bound (a waiting thread holds no slot); the
 * number of waiting threads is capped by {@code maxBlocked}.
 *
 * <p>A worker thread that finishes a task takes the next ready one itself, with no hop through
 * an event loop, while it still holds a slot.
 */
public final class WorkerPool<T> {
  private final ConcurrentLinkedQueue<T> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger permits;
  private final AtomicInteger blockedCount = new AtomicInteger();
  private final int slots;
  private final int maxBlocked;
  private final Consumer<T> runner;
  private final ExecutorService threads;
  private volatile Runnable onIdle = () -> {};

  public WorkerPool(String name, int slots, int maxBlocked, Consumer<T> runner) {
    this.slots = slots;
    this.maxBlocked = maxBlocked;
    this.permits = new AtomicInteger(slots);
    this.runner = runner;
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Called (on a worker thread) whenever a worker runs out of ready tasks. Must be cheap and non-blocking. */
  public void onIdle(Runnable r) {
    this.onIdle = r;
  }

  public void submit(T task) {
    ready.add(task);
    dispatch();
  }

  private void dispatch() {
    while (!ready.isEmpty()) {
      if (!tryAcquire()) return;
      T next = ready.poll();
      if (next == null) {
        permits.incrementAndGet();
        continue; // another thread took it; re-check emptiness
      }
      threads.execute(() -> loop(next));
    }
  }

  private boolean tryAcquire() {
    for (;;) {
      int p = permits.get();
      if (p <= 0) return false;
      if (permits.compareAndSet(p, p - 1)) return true;
    }
  }

  private void loop(T first) {
    T task = first;
    while (task != null) {
      try {
        runner.accept(task);
      } catch (Throwable t) {
        // The runner reports task failures itself; this only guards the loop.
      }
      permits.incrementAndGet();
      task = null;
      if (!ready.isEmpty() && tryAcquire()) {
        task = ready.poll();
        if (task == null) permits.incrementAndGet();
      }
    }
    onIdle.run(); // this worker found nothing more to do: whoever holds work back may send more
    dispatch(); // a task added while we released our slot must not wait for the next submit
  }

  /** Called by a task's thread before it blocks; returns false if too many threads already wait. */
  public boolean blocked() {
    if (blockedCount.incrementAndGet() > maxBlocked) {
      blockedCount.decrementAndGet();
      return false;
    }
    permits.incrementAndGet();
    dispatch();
    return true;
  }

  /** Called by a task's thread when its blocking call returns: it computes again (the pool may be briefly oversubscribed). */
  public void unblocked() {
    blockedCount.decrementAndGet();
    permits.decrementAndGet();
  }

  /** Takes the tasks not started yet that {@code which} selects out of the pool (a cancel); running ones go on. */
  public List<T> takeQueued(Predicate<T> which) {
    List<T> out = new ArrayList<>();
    for (T t : ready) if (which.test(t) && ready.remove(t)) out.add(t);
    return out;
  }

  /** Takes every task not started yet out of the pool (a stopping node hands them on); running ones go on. */
  public List<T> takeQueued() {
    List<T> out = new ArrayList<>();
    for (T t = ready.poll(); t != null; t = ready.poll()) out.add(t);
    return out;
  }

  public int slots() {
    return slots;
  }

  /** Slots computing now (can exceed {@link #slots()} briefly after waiters wake). */
  public int busy() {
    return slots - permits.get();
  }

  public int queued() {
    return ready.size();
  }

  public int blockedNow() {
    return blockedCount.get();
  }

  public void shutdown() {
    threads.shutdownNow();
  }
}
