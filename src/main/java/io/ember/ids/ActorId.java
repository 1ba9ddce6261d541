package io.ember.ids;

/**
 * An actor's identity: the id of the submission that created it. Its string form is that task
 * id's (32 hex digits), so actor ids on the wire, in Redis keys and in the JSON API are the
 * task ids they always were; the type only keeps an actor from being taken for a task.
 */
public record ActorId(TaskId task) {

  public ActorId {
    if (task == null) throw new IllegalArgumentException("an actor id needs the task id of its creation");
  }

  public static ActorId of(TaskId task) {
    return new ActorId(task);
  }

  public static ActorId parse(String text) {
    try {
      return new ActorId(TaskId.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("an actor id is 32 hex digits, got '" + text + "'");
    }
  }

  @Override
  public String toString() {
    return task.toString();
  }
}
