package io.ember.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncLimiterTest {
  @Test
  void neverMoreThanThePermitsInFlightAndWaitersStartInArrivalOrder() {
    AsyncLimiter limiter = new AsyncLimiter(2);
    List<Promise<Integer>> started = new ArrayList<>();
    List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(limiter.submit(() -> {
        Promise<Integer> p = Promise.promise();
        started.add(p);
        return p.future();
      }));
    }
    assertEquals(2, started.size());
    assertEquals(3, limiter.queued());
    started.get(0).complete(0);
    assertEquals(3, started.size());
    assertTrue(results.get(0).succeeded());
    started.get(2).fail("boom");
    assertTrue(results.get(2).failed());
    started.get(1).complete(1);
    started.get(3).complete(3);
    started.get(4).complete(4);
    assertEquals(5, started.size());
    assertEquals(0, limiter.inFlight());
    assertEquals(4, (int) results.get(4).result());
  }

  @Test
  void anOperationThatThrowsFailsItsFutureAndFreesThePermit() {
    AsyncLimiter limiter = new AsyncLimiter(1);
    Future<Object> f = limiter.submit(() -> {
      throw new IllegalStateException("no");
    });
    assertTrue(f.failed());
    assertEquals(0, limiter.inFlight());
    assertTrue(limiter.submit(() -> Future.succeededFuture(1)).succeeded());
  }

  @Test
  void manyThreadsSubmittingAndCompletingNeverExceedThePermits() throws Exception {
    int permits = 4;
    AsyncLimiter limiter = new AsyncLimiter(permits);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    ConcurrentLinkedQueue<Promise<Void>> open = new ConcurrentLinkedQueue<>();
    int total = 20_000;
    CountDownLatch done = new CountDownLatch(total);
    Runnable submitter = () -> {
      for (int i = 0; i < total / 4; i++) {
        limiter.<Void>submit(() -> {
          maxSeen.accumulateAndGet(running.incrementAndGet(), Math::max);
          Promise<Void> p = Promise.promise();
          open.add(p);
          return p.future();
        }).onComplete(ar -> done.countDown());
      }
    };
    Runnable completer = () -> {
      while (done.getCount() > 0) {
        Promise<Void> p = open.poll();
        if (p != null) {
          running.decrementAndGet();
          p.complete();
        } else {
          Thread.onSpinWait();
        }
      }
    };
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) threads.add(new Thread(submitter));
    for (int i = 0; i < 2; i++) threads.add(new Thread(completer));
    threads.forEach(Thread::start);
    assertTrue(done.await(30, TimeUnit.SECONDS), "all operations complete");
    for (Thread t : threads) t.join(5000);
    assertTrue(maxSeen.get() <= permits, "at most " + permits + " in flight, saw " + maxSeen.get());
    assertEquals(0, limiter.inFlight());
  }
}
