package io.ember.protocol;

import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One call of an actor method, as a client sends it to the actor's node. {@code id} is the
 * call's deterministic task id (its result is object {@code <id>.1}); {@code caller} is the id
 * of the driver or task that made the call and {@code seq} its 1-based count of calls to this
 * actor: the actor runs each caller's calls in seq order, and a seq it has already applied is
 * answered from the recorded result instead of running again (exactly-once per caller).
 * {@code owner} is the client whose inbox gets the result.
 */
public record ActorCallSpec(TaskId id, TaskId actor, TaskId caller, long seq, String method, List<TaskSpec.Arg> args,
    String owner) {

  public ObjectId returnId() {
    return ObjectId.of(id, 1);
  }

  public void encodeTo(Buffer b) {
    Wire.putTask(b, id);
    Wire.putTask(b, actor);
    Wire.putTask(b, caller);
    b.appendLong(seq);
    Wire.putString(b, method);
    putArgs(b, args);
    Wire.putString(b, owner);
  }

  public static ActorCallSpec decode(Wire w) {
    return new ActorCallSpec(w.getTask(), w.getTask(), w.getTask(), w.getLong(), w.getString(), getArgs(w), w.getString());
  }

  static void putArgs(Buffer b, List<TaskSpec.Arg> args) {
    b.appendInt(args.size());
    for (TaskSpec.Arg a : args) {
      if (a.isRef()) {
        b.appendByte((byte) 1);
        Wire.putObject(b, a.ref());
      } else {
        b.appendByte((byte) 0);
        Wire.putBytes(b, a.value());
      }
    }
  }

  static List<TaskSpec.Arg> getArgs(Wire w) {
    int n = w.getInt();
    if (n < 0 || n > 255) throw new IllegalArgumentException("an argument count is 0..255, got " + n);
    List<TaskSpec.Arg> args = new ArrayList<>(n);
    for (int i = 0; i < n; i++) args.add(w.getByte() == 1 ? TaskSpec.Arg.ref(w.getObject()) : TaskSpec.Arg.value(w.getBytes()));
    return args;
  }

  /** Arguments alone, for the method log. */
  public static void encodeArgs(Buffer b, List<TaskSpec.Arg> args) {
    putArgs(b, args);
  }

  public static List<TaskSpec.Arg> decodeArgs(Wire w) {
    return getArgs(w);
  }
}
