package io.ember.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Back-pressure on one client's submissions: a driver thread waits for room, an event loop is refused at once. */
class InFlightGateTest {
  final AtomicInteger inFlight = new AtomicInteger();
  final InFlightGate gate = new InFlightGate(inFlight::get);

  @Test
  void belowTheLimitASubmissionGoesAtOnce() {
    gate.limit(3, 10_000);
    inFlight.set(2);
    gate.admit();
  }

  @Test
  void atTheLimitADriverThreadWaitsUntilOneSettles() throws Exception {
    gate.limit(2, 30_000);
    inFlight.set(2);
    CompletableFuture<Void> admitted = CompletableFuture.runAsync(gate::admit);
    // it stays blocked while nothing settles (a bounded look, not a sleep-and-hope: it must not have returned)
    assertThrows(java.util.concurrent.TimeoutException.class, () -> admitted.get(300, TimeUnit.MILLISECONDS));
    inFlight.set(1);
    gate.settled();
    admitted.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDriverThreadThatFindsNoRoomInTimeGetsUnavailable() {
    gate.limit(1, 200);
    inFlight.set(1);
    long start = System.nanoTime();
    EmberException e = assertThrows(EmberException.class, gate::admit);
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190), "waited its time first");
    assertTrue(e.getMessage().contains("limit (1"), e.getMessage());
  }

  @Test
  void onAnEventLoopASubmissionAtTheLimitIsRefusedAtOnce() throws Exception {
    gate.limit(1, 60_000);
    inFlight.set(1);
    Vertx vertx = Vertx.vertx();
    try {
      CompletableFuture<ErrorCode> refused = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        long start = System.nanoTime();
        try {
          gate.admit();
          refused.complete(null);
        } catch (EmberException e) {
          refused.complete(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1) ? e.code() : ErrorCode.TIMEOUT);
        }
      });
      assertEquals(ErrorCode.UNAVAILABLE, refused.get(10, TimeUnit.SECONDS));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
