package io.ember.api;

/**
 * Every failure code Ember replies with ({@code message.fail(code, text)}), documented in the
 * README. Codes are stable: clients in any language match on them.
 */
public enum ErrorCode {
  /** The message is malformed: not JSON, a missing or mistyped field, an unparsable id. */
  BAD_REQUEST(400),
  /**
   * The sender may not do this: a put under an object id that is not its own, a completion from a
   * node that did not run that task. Nothing was written.
   */
  FORBIDDEN(403),
  /** The named function is not registered on the node that was asked to run it. */
  UNKNOWN_FUNCTION(404),
  /** No object with this id was ever created or recorded. */
  UNKNOWN_OBJECT(406),
  /** No actor with this id exists. */
  UNKNOWN_ACTOR(407),
  /**
   * The name is taken: an actor created with {@code name(...)} while a live actor (ALIVE or
   * RESTARTING, or still being constructed on a live node) holds that name. Nothing was created.
   */
  ALREADY_EXISTS(412),
  /** The actor will not serve again (constructor failed, or its restart budget is spent). */
  ACTOR_DIED(410),
  /** Internal, retried by clients: the actor is not (or no longer) hosted on the node that was asked. */
  ACTOR_MOVED(308),
  /** A write or reply from a node whose epoch is no longer current. */
  FENCED(409),
  /** The object is larger than the configured maximum. */
  OBJECT_TOO_LARGE(413),
  /** A value cannot be serialised or has no JSON form. */
  NOT_SERIALIZABLE(415),
  /** The arguments do not match the function's parameters (count or type). */
  ARGUMENT_MISMATCH(422),
  /**
   * The task was cancelled by its owner ({@code cancel}) before it finished, or it depends on one
   * that was. Final: a cancelled task is never retried or re-run.
   */
  CANCELLED(499),
  /** The user's code threw; the text carries the remote exception. */
  TASK_FAILED(500),
  /** The object existed but no live copy remains and it cannot be rebuilt. */
  OBJECT_LOST(501),
  /** A component Ember needs (Redis, a node) is not reachable right now. */
  UNAVAILABLE(503),
  /** The deadline passed before the result was ready. */
  TIMEOUT(504),
  /** A bug in Ember: the text says what broke. */
  INTERNAL(599);

  public final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  public static ErrorCode of(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) return c;
    }
    return INTERNAL;
  }
}
