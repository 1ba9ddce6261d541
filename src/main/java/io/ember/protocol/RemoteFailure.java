package io.ember.protocol;

import io.ember.api.ErrorCode;
import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.GetTimeoutException;
import io.ember.api.ObjectLostException;
import io.ember.api.TaskCancelledException;
import io.ember.api.TaskFailedException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.TimeoutException;

/**
 * A failure reply with its fields, not only its text: the {@link ErrorCode}, the exception's type,
 * its detail (the remote message of a user exception, else null), the remote stack, and the ids
 * the typed exception needs (task and function, actor, object). It is a {@link ReplyException}
 * of kind RECIPIENT_FAILURE whose {@code failureCode()} and message are exactly what
 * {@code message.fail(code, text)} would have sent, so a requester that reads only those sees no
 * difference. It crosses JVMs with its own codec (registered in {@link Codecs}).
 *
 * <p>Only requesters that say they read it (header {@value #ACCEPT}, see {@link #accept}) get it:
 * a user verticle in a JVM without Ember's codecs could not decode it, so it still gets the plain
 * {@code fail(code, text)} the README promises. This class turns exceptions into the wire form;
 * {@code io.ember.owner.Failures} turns it back. It never parses message text.
 */
public final class RemoteFailure extends ReplyException {
  /** The request header that asks for failures in this form. */
  public static final String ACCEPT = "ember-failure";
  static final String CODEC = "ember.RemoteFailure";

  private final ErrorCode code;
  private final String type;
  private final String detail;
  private final String stack;
  private final String task;
  private final String function;
  private final String actor;
  private final String object;

  public RemoteFailure(ErrorCode code, String message, String type, String detail, String stack, String task, String function,
      String actor, String object) {
    super(ReplyFailure.RECIPIENT_FAILURE, code.code, message, null, false);
    this.code = code;
    this.type = type;
    this.detail = detail;
    this.stack = stack;
    this.task = task;
    this.function = function;
    this.actor = actor;
    this.object = object;
  }

  /** The wire form of {@code err}, with the same code and text {@code Requests.fail} always used. */
  public static RemoteFailure of(Throwable err) {
    if (err instanceof RemoteFailure f) return f;
    if (err instanceof TaskFailedException t) {
      return new RemoteFailure(t.code(), t.getMessage(), t.remoteType(), t.remoteMessage(), t.remoteStack(), t.taskId(), t.function(), null, null);
    }
    if (err instanceof TaskCancelledException c) {
      return new RemoteFailure(c.code(), c.getMessage(), c.getClass().getName(), null, null, c.taskId(), null, null, null);
    }
    if (err instanceof EmberException e) {
      String actor = e instanceof ActorDiedException a ? a.actorId() : null;
      String object = e instanceof ObjectLostException l ? l.objectId() : e instanceof GetTimeoutException g ? g.objectId() : null;
      return new RemoteFailure(e.code(), e.getMessage(), e.getClass().getName(), null, null, null, null, actor, object);
    }
    if (err instanceof TimeoutException) {
      return new RemoteFailure(ErrorCode.TIMEOUT, String.valueOf(err.getMessage()), err.getClass().getName(), null, null, null, null, null, null);
    }
    return new RemoteFailure(ErrorCode.INTERNAL, String.valueOf(err), err == null ? null : err.getClass().getName(), null, null, null, null,
        null, null);
  }

  /** Asks the replier for failures in this form (adds the {@value #ACCEPT} header). */
  public static DeliveryOptions accept(DeliveryOptions o) {
    return o.addHeader(ACCEPT, "1");
  }

  /** Whether the requester of {@code m} reads failures in this form. */
  public static boolean accepted(Message<?> m) {
    return m.headers().contains(ACCEPT);
  }

  public ErrorCode code() {
    return code;
  }

  /** The exception's class name; for {@link ErrorCode#TASK_FAILED}, the user exception's. */
  public String type() {
    return type;
  }

  /** For {@link ErrorCode#TASK_FAILED}, the user exception's message; else null. */
  public String detail() {
    return detail;
  }

  public String stack() {
    return stack;
  }

  public String task() {
    return task;
  }

  public String function() {
    return function;
  }

  public String actor() {
    return actor;
  }

  public String object() {
    return object;
  }

  void encodeTo(Buffer b) {
    b.appendInt(code.code);
    Wire.putString(b, getMessage());
    Wire.putString(b, type);
    Wire.putString(b, detail);
    Wire.putString(b, stack);
    Wire.putString(b, task);
    Wire.putString(b, function);
    Wire.putString(b, actor);
    Wire.putString(b, object);
  }

  static RemoteFailure decode(Wire w) {
    return new RemoteFailure(ErrorCode.of(w.getInt()), w.getString(), w.getString(), w.getString(), w.getString(), w.getString(),
        w.getString(), w.getString(), w.getString());
  }
}
