package io.ember.api;

import io.ember.protocol.ErrorCode;

/**
 * An actor that will not serve again: its constructor threw, or its node died after its restart
 * budget was spent. Every pending and later call to it fails with this error.
 */
public class ActorDiedException extends EmberException {
  private final String actorId;

  public ActorDiedException(String actorId, String why) {
    super(ErrorCode.ACTOR_DIED, "actor " + actorId + " is dead: " + why);
    this.actorId = actorId;
  }

  /** Rebuilds the exception from its message (as it crossed a JVM boundary as text). */
  public static ActorDiedException fromMessage(String message) {
    String m = message == null ? "" : message;
    if (m.startsWith("actor ") && m.indexOf(" is dead: ") > 6) {
      int at = m.indexOf(" is dead: ");
      return new ActorDiedException(m.substring(6, at), m.substring(at + " is dead: ".length()));
    }
    return new ActorDiedException("?", m);
  }

  public String actorId() {
    return actorId;
  }
}
