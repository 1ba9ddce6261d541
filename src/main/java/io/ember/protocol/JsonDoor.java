package io.ember.protocol;

import io.ember.api.ErrorCode;
import io.ember.api.EmberException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How every request address turns what its handling threw into a failed future with a code:
 * an {@link EmberException} keeps its own, an {@link IllegalArgumentException} (a malformed id
 * or value) or any other exception of reading the body is BAD_REQUEST naming the operation, and
 * a failure of the handling itself is INTERNAL naming it. {@link #serve} wraps a whole consumer:
 * the body is read (a clustered one is decoded on first access) inside the guard, and the
 * outcome goes back with {@link Requests#replyWith}.
 *
 * <p>Never lets an exception escape to the event bus: a requester always gets an answer.
 */
public final class JsonDoor {
  private JsonDoor() {}

  /** A consumer handler for a request/reply address: every message gets a reply or a typed failure. */
  public static Handler<Message<Object>> serve(String operation, Function<Message<Object>, Future<?>> handling) {
    return m -> Requests.replyWith(m, answer(operation, () -> handling.apply(m)));
  }

  public static <T> Future<T> answer(String operation, Supplier<Future<T>> handling) {
    try {
      Future<T> f = handling.get();
      return f != null ? f : Future.failedFuture(new EmberException(ErrorCode.INTERNAL, operation + " gave no answer"));
    } catch (RuntimeException e) {
      return Future.failedFuture(typed(operation, e));
    }
  }

  /** What {@code e}, thrown while handling {@code operation}, is as a typed failure. */
  public static EmberException typed(String operation, RuntimeException e) {
    if (e instanceof EmberException ee) return ee;
    if (e instanceof IllegalArgumentException) return Requests.bad(e.getMessage());
    if (e instanceof ClassCastException || e instanceof IndexOutOfBoundsException) {
      return Requests.bad(operation + ": malformed request: " + e.getMessage());
    }
    return new EmberException(ErrorCode.INTERNAL, operation + " failed: " + e, e);
  }
}
