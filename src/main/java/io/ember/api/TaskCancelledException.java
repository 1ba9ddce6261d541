package io.ember.api;

/**
 * A {@code get} of the result of a task that was cancelled ({@link Ember#cancel}), or of a task
 * that depended on one. Carries the id of the cancelled task.
 */
public class TaskCancelledException extends EmberException {
  private final String taskId;

  public TaskCancelledException(String taskId, String why) {
    super(ErrorCode.CANCELLED, "task " + taskId + " was cancelled" + (why == null ? "" : ": " + why));
    this.taskId = taskId;
  }

  private TaskCancelledException(String taskId, String message, boolean reported) {
    super(ErrorCode.CANCELLED, message);
    this.taskId = taskId;
  }

  /** The exception again as another JVM reported it: its task, and its message kept as it was. */
  public static TaskCancelledException reported(String taskId, String message) {
    return new TaskCancelledException(taskId, message, true);
  }

  /** The cancelled task (for a dependent, the one it depended on). */
  public String taskId() {
    return taskId;
  }
}
