package io.ember.api;


/**
 * The user's code threw. Carries the remote exception's type, message and stack as text (the
 * remote class may not exist here), and the id of the task that threw.
 */
public class TaskFailedException extends EmberException {
  private final String taskId;
  private final String function;
  private final String remoteType;
  private final String remoteMessage;
  private final String remoteStack;

  public TaskFailedException(String taskId, String function, String remoteType, String remoteMessage, String remoteStack) {
    super(ErrorCode.TASK_FAILED, "task " + taskId + " (" + function + ") failed" + describe(remoteType, remoteMessage));
    this.taskId = taskId;
    this.function = function;
    this.remoteType = remoteType;
    this.remoteMessage = remoteMessage;
    this.remoteStack = remoteStack;
  }

  /** The remote exception for the message; a type may be unknown (a record from an older version keeps only text). */
  private static String describe(String type, String message) {
    if (type == null) return message == null ? "" : ": " + message;
    return ": " + type + (message == null ? "" : ": " + message);
  }

  public String taskId() {
    return taskId;
  }

  /** The function (or actor method) that threw. */
  public String function() {
    return function;
  }

  public String remoteType() {
    return remoteType;
  }

  public String remoteMessage() {
    return remoteMessage;
  }

  /** The remote stack trace, one frame a line. */
  public String remoteStack() {
    return remoteStack;
  }
}
