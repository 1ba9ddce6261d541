package io.ember.actor;

import io.ember.ids.TaskId;
import io.ember.protocol.TaskSpec;
import io.ember.protocol.Wire;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One entry of an actor's method log ({@code ember:actor:<id>:log}): the call as made (its id,
 * caller, caller's seq, method and arguments) and a digest of its outcome, so a replay can tell
 * whether re-running it gave the same result. {@code index} is its position in the actor's
 * history (0 = first call ever).
 */
record MethodLogEntry(long index, TaskId call, TaskId caller, long seq, String method, List<TaskSpec.Arg> args, boolean ok,
    long digest) {

  byte[] encode() {
    Buffer b = Buffer.buffer(64 + method.length());
    b.appendLong(index);
    Wire.putTask(b, call);
    Wire.putTask(b, caller);
    b.appendLong(seq);
    Wire.putString(b, method);
    TaskSpec.Arg.encodeAll(b, args);
    b.appendByte((byte) (ok ? 1 : 0)).appendLong(digest);
    return b.getBytes();
  }

  static MethodLogEntry decode(Buffer b) {
    Wire w = new Wire(b, 0);
    return new MethodLogEntry(w.getLong(), w.getTask(), w.getTask(), w.getLong(), w.getString(), TaskSpec.Arg.decodeAll(w),
        w.getByte() == 1, w.getLong());
  }
}
