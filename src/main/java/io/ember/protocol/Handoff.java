package io.ember.protocol;

import io.ember.util.Retry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A hand-off of work that must not vanish (a submission to a scheduler, a task forwarded to a
 * peer, an actor call): sent as a request that the receiver acknowledges as soon as it holds
 * the work ({@link #ack}), re-sent while nobody acknowledged it. A plain {@code send} to a node
 * whose consumer this member has not seen yet (a node that just joined: Hazelcast spreads
 * subscriptions asynchronously) is dropped without a word; a request fails with
 * {@code NO_HANDLERS}, and a receiver that died or hangs lets it time out: both are retried,
 * each try asking {@code where} again (the destination may have changed). A refusal by the
 * receiver is final. The receiver drops a duplicate it already holds (a re-send whose first
 * copy did arrive), so a hand-off is held at most once per node.
 *
 * <p>Never: blocks, or retries past its deadline.
 */
public final class Handoff {
  /** How long one try waits for its acknowledgement before sending again. */
  public static final long ACK_TIMEOUT_MS = 3_000;

  private final Vertx vertx;
  private final Retry retry;
  private final Clock clock;

  public Handoff(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.retry = Retry.backoff(vertx, clock, 20, 500);
  }

  /** Delivers {@code body} to the address {@code where} names at each try; succeeds once acknowledged. */
  public Future<Void> deliver(Supplier<String> where, Object body, long deadline) {
    return retry.until(deadline, Handoff::retryable, () -> once(where.get(), body, deadline));
  }

  /** One try: a request whose empty reply is the acknowledgement. */
  public Future<Void> once(String address, Object body, long deadline) {
    long wait = Math.max(1, Math.min(ACK_TIMEOUT_MS, deadline - clock.millis()));
    return vertx.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(wait)).mapEmpty();
  }

  /** Nobody received it (no consumer known yet, or none answered in time): worth sending again. */
  public static boolean retryable(Throwable err) {
    return err instanceof ReplyException r && (r.failureType() == ReplyFailure.NO_HANDLERS || r.failureType() == ReplyFailure.TIMEOUT);
  }

  /**
   * The receiver's side while it cannot take more work ({@code full}: e.g. its table writer is
   * saturated because Redis does not answer): a new hand-off is not acknowledged, so its sender
   * sends it again after {@link #ACK_TIMEOUT_MS} until its deadline. The sender sees delay, or
   * UNAVAILABLE at its own deadline; nothing held is dropped. Otherwise {@code receive} handles it.
   */
  public static Handler<Message<Object>> withheldWhile(BooleanSupplier full, Handler<Message<Object>> receive) {
    return m -> {
      if (!full.getAsBoolean()) receive.handle(m);
    };
  }

  /** The receiver's side: it holds the work now. */
  public static void ack(Message<?> m) {
    if (m.replyAddress() != null) m.reply(null);
  }
}
