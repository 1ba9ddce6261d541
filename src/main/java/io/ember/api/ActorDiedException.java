package io.ember.api;


/**
 * An actor that will not serve again: its constructor threw, its node died after its restart
 * budget was spent, or it was killed ({@link ActorHandle#kill()}: the reason is {@value #KILLED}). Every pending and later call to it fails with this error.
 */
public class ActorDiedException extends EmberException {
  /** The reason a killed actor's row and failures carry. */
  public static final String KILLED = "killed";

  private final String actorId;

  public ActorDiedException(String actorId, String why) {
    super(ErrorCode.ACTOR_DIED, "actor " + actorId + " is dead: " + why);
    this.actorId = actorId;
  }

  private ActorDiedException(String actorId, String message, boolean reported) {
    super(ErrorCode.ACTOR_DIED, message);
    this.actorId = actorId;
  }

  /** The exception again as another JVM reported it: its actor, and its message kept as it was. */
  public static ActorDiedException reported(String actorId, String message) {
    return new ActorDiedException(actorId, message, true);
  }

  public String actorId() {
    return actorId;
  }
}
