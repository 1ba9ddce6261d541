package io.ember.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A receiver that cannot take more withholds its acknowledgement: the sender re-sends until it can, and nothing is lost. */
class HandoffTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFullReceiverWithholdsItsAcknowledgementAndTheSenderDeliversOnceItHasRoom() throws Exception {
    AtomicBoolean full = new AtomicBoolean(true);
    AtomicInteger held = new AtomicInteger();
    AtomicInteger withheld = new AtomicInteger();
    vertx.eventBus().<Object>consumer("test.handoff", Handoff.withheldWhile(() -> {
      boolean f = full.get();
      if (f && withheld.incrementAndGet() == 2) full.set(false);   // room after the second refused try
      return f;
    }, (Message<Object> m) -> {
      held.incrementAndGet();
      Handoff.ack(m);
    }));
    Handoff handoff = new Handoff(vertx, Clock.systemUTC());
    Future<Void> delivered = handoff.deliver(() -> "test.handoff", "work", System.currentTimeMillis() + 30_000);
    delivered.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(2, withheld.get(), "two tries went unacknowledged while the receiver was full");
    assertEquals(1, held.get(), "then it was held, once");
  }

  @Test
  void aReceiverFullUntilTheDeadlineLeavesTheSenderARetryableTimeout() throws Exception {
    vertx.eventBus().<Object>consumer("test.full", Handoff.withheldWhile(() -> true, Handoff::ack));
    Future<Void> f = new Handoff(vertx, Clock.systemUTC()).deliver(() -> "test.full", "work", System.currentTimeMillis() + 500);
    Throwable err = f.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
    assertTrue(err != null, "the sender is told at its deadline");
  }
}
