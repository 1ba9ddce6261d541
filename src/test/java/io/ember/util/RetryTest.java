package io.ember.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RetryTest {
  static Vertx vertx;

  @BeforeAll
  static void up() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void down() {
    vertx.close().await();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void triesAgainUntilTheAttemptSucceeds() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    Retry retry = Retry.every(vertx, Clock.systemUTC(), 5);
    String r = await(retry.until(System.currentTimeMillis() + 5000,
        () -> tries.incrementAndGet() < 4 ? Future.failedFuture("not yet") : Future.succeededFuture("ok")));
    assertEquals("ok", r);
    assertEquals(4, tries.get());
  }

  @Test
  void aNonRetryableErrorEndsAtOnce() {
    AtomicInteger tries = new AtomicInteger();
    Retry retry = Retry.every(vertx, Clock.systemUTC(), 5);
    Future<Object> f = retry.until(System.currentTimeMillis() + 5000, err -> !(err instanceof IllegalStateException),
        () -> {
          tries.incrementAndGet();
          return Future.failedFuture(new IllegalStateException("final"));
        });
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(f));
    assertTrue(e.getCause() instanceof IllegalStateException);
    assertEquals(1, tries.get());
  }

  @Test
  void theDeadlineEndsTheRetriesWithTheLastError() {
    AtomicInteger tries = new AtomicInteger();
    Retry retry = Retry.backoff(vertx, Clock.systemUTC(), 10, 40);
    long start = System.currentTimeMillis();
    Future<Object> f = retry.until(start + 300, () -> Future.failedFuture("try " + tries.incrementAndGet()));
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(f));
    long took = System.currentTimeMillis() - start;
    assertTrue(took < 2000, "ended near its deadline, took " + took + " ms");
    assertEquals("try " + tries.get(), e.getCause().getMessage());
    assertTrue(tries.get() >= 3 && tries.get() <= 12, "backoff 10, 20, 40, 40...: " + tries.get() + " tries in 300 ms");
  }
}
