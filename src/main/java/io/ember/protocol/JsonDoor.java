package io.ember.protocol;

import io.ember.api.ErrorCode;
import io.ember.api.EmberException;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * How the public JSON doors ({@code ember.submit}, {@code ember.actor.create},
 * {@code ember.actor.call}) turn what their handling threw into a failed future with a code:
 * an {@link EmberException} keeps its own, an {@link IllegalArgumentException} (a malformed id
 * or value) is BAD_REQUEST, anything else is INTERNAL naming the operation. The verticle then
 * replies with {@link Requests#replyWith}. Never lets an exception escape to the event bus.
 */
public final class JsonDoor {
  private JsonDoor() {}

  public static <T> Future<T> answer(String operation, Supplier<Future<T>> handling) {
    try {
      return handling.get();
    } catch (EmberException e) {
      return Future.failedFuture(e);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Requests.bad(e.getMessage()));
    } catch (RuntimeException e) {
      return Future.failedFuture(new EmberException(ErrorCode.INTERNAL, operation + " failed: " + e));
    }
  }
}
