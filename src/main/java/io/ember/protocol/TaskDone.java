package io.ember.protocol;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.GetTimeoutException;
import io.ember.api.ObjectLostException;
import io.ember.api.TaskCancelledException;
import io.ember.api.TaskFailedException;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.buffer.Buffer;

/**
 * The outcome of a task, sent to its owner's inbox. On success the value travels inline when it
 * is small; otherwise {@code node}/{@code transferHost}/{@code transferPort} say where to fetch
 * it. On failure {@code error} says why.
 */
public record TaskDone(
    TaskId task,
    NodeId node,
    String transferHost,
    int transferPort,
    long size,
    Buffer inline,
    Failure error) {

  /**
   * A failure in a form that crosses JVMs: the code, the remote exception as text, and
   * {@code subject}, the id that exception names, so that it can be rebuilt naming it: the actor
   * (ACTOR_DIED), the object (OBJECT_LOST, TIMEOUT) or the task that threw (TASK_FAILED); null
   * when it names none.
   */
  public record Failure(ErrorCode code, String function, String type, String message, String stack, String subject) {
    private static final int STACK_FRAMES = 40;

    /** An Ember exception that reached {@code function}'s caller: its code, its text and the id it names, no stack. */
    public static Failure of(String function, EmberException e) {
      return new Failure(e.code(), function, e.getClass().getName(), e.getMessage(), null, subjectOf(e));
    }

    /** The user's code of {@code function} threw {@code user}: TASK_FAILED with its type, message and stack. */
    public static Failure ofUser(String function, Throwable user) {
      return new Failure(ErrorCode.TASK_FAILED, function, user.getClass().getName(), user.getMessage(), stackOf(user), null);
    }

    /** The id {@code e} names (its getter, never its text), or null. */
    public static String subjectOf(EmberException e) {
      if (e instanceof ActorDiedException a) return a.actorId();
      if (e instanceof ObjectLostException l) return l.objectId();
      if (e instanceof GetTimeoutException g) return g.objectId();
      if (e instanceof TaskFailedException t) return t.taskId();
      if (e instanceof TaskCancelledException c) return c.taskId();
      return null;
    }

    /** A throwable's stack as text for {@code stack}: its first frames, then how many more there were. */
    public static String stackOf(Throwable t) {
      StringBuilder sb = new StringBuilder(t.toString());
      StackTraceElement[] st = t.getStackTrace();
      for (int i = 0; i < Math.min(st.length, STACK_FRAMES); i++) sb.append("\n\tat ").append(st[i]);
      if (st.length > STACK_FRAMES) sb.append("\n\t... ").append(st.length - STACK_FRAMES).append(" more");
      return sb.toString();
    }
  }

  public static TaskDone ok(TaskId task, NodeId node, String host, int port, long size, Buffer inline) {
    return new TaskDone(task, node, host, port, size, inline, null);
  }

  public static TaskDone failed(TaskId task, NodeId node, Failure error) {
    return new TaskDone(task, node, null, 0, 0, null, error);
  }

  public boolean ok() {
    return error == null;
  }

  public void encodeTo(Buffer b) {
    Wire.putTask(b, task);
    Wire.putString(b, node == null ? null : node.value());
    Wire.putString(b, transferHost);
    b.appendInt(transferPort).appendLong(size);
    Wire.putBytes(b, inline);
    b.appendByte((byte) (error == null ? 0 : 1));
    if (error != null) {
      b.appendInt(error.code().code);
      Wire.putString(b, error.function());
      Wire.putString(b, error.type());
      Wire.putString(b, error.message());
      Wire.putString(b, error.stack());
      Wire.putString(b, error.subject());
    }
  }

  public static TaskDone decode(Wire w) {
    TaskId task = w.getTask();
    String node = w.getString();
    String host = w.getString();
    int port = w.getInt();
    long size = w.getLong();
    Buffer inline = w.getBytes();
    Failure f = null;
    if (w.getByte() == 1) {
      f = new Failure(ErrorCode.of(w.getInt()), w.getString(), w.getString(), w.getString(), w.getString(), w.getString());
    }
    return new TaskDone(task, node == null ? null : new NodeId(node), host, port, size, inline, f);
  }
}
