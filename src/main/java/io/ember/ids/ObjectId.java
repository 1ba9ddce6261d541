package io.ember.ids;

/**
 * An object's identity: the task that creates it and the return index. A {@code put} is a
 * task-like submission of its own, so its object id is derived the same way (index 0).
 * String form: {@code <32 hex digits of the task id>.<index>}.
 */
public record ObjectId(TaskId task, int index) {

  public ObjectId {
    if (task == null) throw new IllegalArgumentException("an object id needs a task id");
    if (index < 0) throw new IllegalArgumentException("an object index is >= 0, got " + index);
  }

  public static ObjectId of(TaskId task, int index) {
    return new ObjectId(task, index);
  }

  public static ObjectId parse(String text) {
    if (text == null) throw new IllegalArgumentException("an object id is required");
    int dot = text.indexOf('.');
    if (dot != 32) {
      throw new IllegalArgumentException("an object id is '<32 hex digits>.<index>', got '" + text + "'");
    }
    try {
      return new ObjectId(TaskId.parse(text.substring(0, 32)), Integer.parseInt(text.substring(33)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("an object id is '<32 hex digits>.<index>', got '" + text + "'");
    }
  }

  @Override
  public String toString() {
    return task + "." + index;
  }
}
