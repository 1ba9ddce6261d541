package io.ember.owner;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.GetTimeoutException;
import io.ember.api.ObjectLostException;
import io.ember.api.TaskFailedException;
import io.ember.ids.ActorId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.api.ErrorCode;
import io.ember.protocol.RemoteFailure;
import io.ember.protocol.TaskDone;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Every translation between failures as they travel (a {@link RemoteFailure} reply, a plain
 * {@link ReplyException}, a {@link TaskDone.Failure}, the task table's error text) and the typed
 * exceptions users catch. The ids an exception names come from the failure's own fields or from
 * the caller's context, never from message text; the one exception is the task table's error
 * string ({@link #fromTaskTable}), parsed here and nowhere else.
 */
public final class Failures {
  private Failures() {}

  /** A failed request about object {@code id} as the typed exception (errors that are not replies pass through). */
  public static Throwable ofRequest(ObjectId id, Throwable err) {
    if (err instanceof RemoteFailure f) return fromRemote(f);
    if (err instanceof ReplyException re) {
      return switch (re.failureType()) {
        case RECIPIENT_FAILURE -> typed(id, ErrorCode.of(re.failureCode()), re.getMessage());
        case TIMEOUT -> new EmberException(ErrorCode.TIMEOUT, "object " + id + ": no answer in time");
        default -> new EmberException(ErrorCode.UNAVAILABLE, "object " + id + ": node unreachable (" + re.getMessage() + ")");
      };
    }
    return err;
  }

  /** A reply failure with its fields as the exception the replier had. */
  public static EmberException fromRemote(RemoteFailure f) {
    String message = f.getMessage();
    return switch (f.code()) {
      case TASK_FAILED -> f.task() != null ? new TaskFailedException(f.task(), f.function(), f.type(), f.detail(), f.stack())
          : new EmberException(f.code(), message);
      case ACTOR_DIED -> ActorDiedException.reported(f.actor(), message);
      case OBJECT_LOST -> f.object() != null ? ObjectLostException.reported(f.object(), message) : new EmberException(f.code(), message);
      case TIMEOUT -> f.object() != null ? GetTimeoutException.reported(f.object(), message) : new EmberException(f.code(), message);
      default -> new EmberException(f.code(), message);
    };
  }

  /**
   * A refused request (the replier answered with a failure) as its typed exception; null when
   * nobody answered (no handler, timeout), which is not a refusal.
   */
  public static EmberException refusal(Throwable err) {
    if (err instanceof RemoteFailure f) return fromRemote(f);
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return new EmberException(ErrorCode.of(re.failureCode()), re.getMessage());
    }
    return null;
  }

  /**
   * Why a node refused to create actor {@code actor} (its typed exception), or null when nobody
   * answered (the actor may exist anyway: the table says).
   */
  public static EmberException creationRefusal(ActorId actor, Throwable err) {
    if (err instanceof RemoteFailure f) {
      return f.code() == ErrorCode.ACTOR_DIED ? ActorDiedException.reported(f.actor() != null ? f.actor() : actor.toString(), f.getMessage())
          : fromRemote(f);
    }
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      ErrorCode code = ErrorCode.of(re.failureCode());
      return code == ErrorCode.ACTOR_DIED ? ActorDiedException.reported(actor.toString(), re.getMessage())
          : new EmberException(code, re.getMessage());
    }
    return null;
  }

  /** Whether {@code err} says the request reached nobody or got no answer (as opposed to a refusal). */
  public static boolean noAnswer(Throwable err) {
    return err instanceof ReplyException re && re.failureType() != ReplyFailure.RECIPIENT_FAILURE;
  }

  /** Whether {@code err} says no consumer is registered at the address (yet). */
  public static boolean noHandlers(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
  }

  /** The failure of task {@code d} (as reported by the node that ran it), read through object {@code id}. */
  public static EmberException ofTask(ObjectId id, TaskDone d) {
    TaskDone.Failure f = d.error();
    if (f.code() == ErrorCode.TASK_FAILED) {
      return new TaskFailedException(d.task().toString(), f.function(), f.type(), f.message(), f.stack());
    }
    // TODO(lead): TaskDone.Failure carries no actor id; an ACTOR_DIED a task passed on names none
    return typed(id, f.code(), f.message());
  }

  /** An actor call's ACTOR_DIED result: the actor is known from the call, the message kept as sent. */
  public static ActorDiedException actorDied(ActorId actor, TaskDone.Failure f) {
    return ActorDiedException.reported(actor.toString(), f.message());
  }

  /** {@code err} as a task failure that crosses JVMs. */
  public static TaskDone.Failure toFailure(Throwable err) {
    if (err instanceof EmberException e) return new TaskDone.Failure(e.code(), null, e.getClass().getName(), e.getMessage(), null);
    return new TaskDone.Failure(ErrorCode.INTERNAL, null, err.getClass().getName(), String.valueOf(err.getMessage()), null);
  }

  /**
   * The failure the task table recorded for {@code task} ({@code "<CODE> <type>: <message>"}) as
   * the exception it was. The one place that parses it: the table will store the fields
   * separately (code, type, message), and then this reads them instead.
   */
  public static EmberException fromTaskTable(TaskId task, String function, String error) {
    String text = error == null ? "" : error;
    int sp = text.indexOf(' ');
    ErrorCode code = ErrorCode.TASK_FAILED;
    if (sp > 0) {
      try {
        code = ErrorCode.valueOf(text.substring(0, sp));
        text = text.substring(sp + 1);
      } catch (IllegalArgumentException notACode) {
        // an older record: no code in front
      }
    }
    int colon = text.indexOf(": ");
    if (code == ErrorCode.TASK_FAILED) {
      return new TaskFailedException(task.toString(), function, colon > 0 ? text.substring(0, colon) : text,
          colon > 0 ? text.substring(colon + 2) : null, null);
    }
    return new EmberException(code, colon > 0 ? text.substring(colon + 2) : text);
  }

  /** The typed exception for a code that arrived with only its text, about object {@code id}. */
  private static EmberException typed(ObjectId id, ErrorCode code, String message) {
    if (code == ErrorCode.ACTOR_DIED) return ActorDiedException.reported("?", message);
    if (code == ErrorCode.OBJECT_LOST) return ObjectLostException.reported(id.toString(), message);
    return new EmberException(code, message);
  }
}
