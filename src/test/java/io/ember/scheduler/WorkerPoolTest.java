package io.ember.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WorkerPoolTest {

  @Test
  @Timeout(20)
  void neverMoreThanSlotsComputeAtOnce() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    CountDownLatch done = new CountDownLatch(200);
    WorkerPool<Integer> pool = new WorkerPool<>("t", 3, 10, i -> {
      max.accumulateAndGet(now.incrementAndGet(), Math::max);
      three.countDown();
      try {
        three.await(10, TimeUnit.SECONDS); // the first three wait for each other: proof that three run at once
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      now.decrementAndGet();
      done.countDown();
    });
    for (int i = 0; i < 200; i++) pool.submit(i);
    assertTrue(done.await(15, TimeUnit.SECONDS));
    assertEquals(0, three.getCount(), "three tasks ran at once");
    assertEquals(3, max.get(), "never more than the slots at once");
    pool.shutdown();
  }

  @Test
  @Timeout(20)
  void blockedTasksGiveBackTheirSlotSoNestedWorkCompletes() throws Exception {
    // 1 slot: a task that waits for a second task would deadlock unless waiting releases the slot
    CountDownLatch inner = new CountDownLatch(1);
    CountDownLatch outer = new CountDownLatch(1);
    WorkerPool<Runnable>[] holder = new WorkerPool[1];
    holder[0] = new WorkerPool<>("t", 1, 10, Runnable::run);
    holder[0].submit(() -> {
      holder[0].submit(inner::countDown);
      holder[0].blocked();
      try {
        inner.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      holder[0].unblocked();
      outer.countDown();
    });
    assertTrue(outer.await(15, TimeUnit.SECONDS));
    assertEquals(0, inner.getCount());
    holder[0].shutdown();
  }

  @Test
  @Timeout(20)
  void takeQueuedHandsBackWhatHasNotStartedAndLetsTheRunningOneFinish() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    WorkerPool<Integer> pool = new WorkerPool<>("t", 1, 10, i -> {
      ran.incrementAndGet();
      started.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    for (int i = 0; i < 4; i++) pool.submit(i);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    assertEquals(List.of(1, 2, 3), pool.takeQueued());
    assertEquals(0, pool.queued());
    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pool.busy() > 0 && System.nanoTime() < deadline) TimeUnit.MILLISECONDS.sleep(5); // polls for the condition
    assertEquals(0, pool.busy());
    assertEquals(1, ran.get(), "only the task that had started ran");
    pool.shutdown();
  }
}
