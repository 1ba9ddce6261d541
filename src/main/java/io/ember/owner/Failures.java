package io.ember.owner;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.GetTimeoutException;
import io.ember.api.ObjectLostException;
import io.ember.api.TaskCancelledException;
import io.ember.api.TaskFailedException;
import io.ember.gcs.TaskFailure;
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
 * {@link ReplyException}, a {@link TaskDone.Failure}, the task table's {@link TaskFailure}) and
 * the typed exceptions users catch. The ids an exception names come from the failure's own
 * fields or from the caller's context; it never parses message text.
 */
public final class Failures {
  private Failures() {}

  /** A failed request about object {@code id} as the typed exception (errors that are not replies pass through). */
  public static Throwable ofRequest(ObjectId id, Throwable err) {
    if (err instanceof RemoteFailure f) return fromRemote(f);
    if (err instanceof ReplyException re) {
      return switch (re.failureType()) {
        case RECIPIENT_FAILURE -> typed(id, ErrorCode.of(re.failureCode()), re.getMessage(), null);
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
      case CANCELLED -> TaskCancelledException.reported(f.task() != null ? f.task() : "?", message);
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
      // the task the caller asked for threw: it is the one named (a TaskFailedException it passed
      // on names its own task in the message and in the failure's subject)
      return new TaskFailedException(d.task().toString(), f.function(), f.type(), f.message(), f.stack());
    }
    return typed(id, f.code(), f.message(), f.subject());
  }

  /** An actor call's ACTOR_DIED result: the actor is known from the call, the message kept as sent. */
  public static ActorDiedException actorDied(ActorId actor, TaskDone.Failure f) {
    return ActorDiedException.reported(actor.toString(), f.message());
  }

  /** {@code err} as a task failure that crosses JVMs. */
  public static TaskDone.Failure toFailure(Throwable err) {
    if (err instanceof EmberException e) return TaskDone.Failure.of(null, e);
    return new TaskDone.Failure(ErrorCode.INTERNAL, null, err.getClass().getName(), String.valueOf(err.getMessage()), null, null);
  }

  /**
   * The failure the task table recorded for {@code task} (read through object {@code id}) as the
   * exception it was. A row with no code (written before codes were stored) is the user's code
   * failing, its whole text the message: the text is never parsed for a code or a type.
   */
  public static EmberException fromTaskTable(ObjectId id, TaskId task, String function, TaskFailure f) {
    if (f == null) return new TaskFailedException(task.toString(), function, null, null, null);
    if (f.code() == null || f.code() == ErrorCode.TASK_FAILED) {
      return new TaskFailedException(task.toString(), function, f.type(), f.message(), null);
    }
    return typed(id, f.code(), f.message(), f.subject());
  }

  /**
   * The typed exception for a code that arrived with its text and the id it names
   * ({@code subject}, null if none), read through object {@code id}: without a subject an
   * OBJECT_LOST or TIMEOUT is about {@code id} itself.
   */
  private static EmberException typed(ObjectId id, ErrorCode code, String message, String subject) {
    return switch (code) {
      case ACTOR_DIED -> ActorDiedException.reported(subject != null ? subject : "?", message);
      case CANCELLED -> TaskCancelledException.reported(subject != null ? subject : id.task().toString(), message);
      case OBJECT_LOST -> ObjectLostException.reported(subject != null ? subject : id.toString(), message);
      case TIMEOUT -> subject != null ? GetTimeoutException.reported(subject, message) : new EmberException(code, message);
      default -> new EmberException(code, message);
    };
  }
}
