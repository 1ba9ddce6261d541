package io.ember.actor;

import io.ember.ids.TaskId;
import io.ember.protocol.Wire;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A stored checkpoint: the actor's state after {@code position} calls (its
 * {@code saveCheckpoint()} value, encoded) and, per caller, the seq of the last call applied by
 * then, so that exactly-once holds across a restore.
 */
record Checkpoint(long position, Buffer state, Map<TaskId, Long> applied) {

  byte[] encode() {
    Buffer b = Buffer.buffer(32 + state.length() + applied.size() * 24);
    b.appendLong(position);
    Wire.putBytes(b, state);
    b.appendInt(applied.size());
    for (Map.Entry<TaskId, Long> e : applied.entrySet()) {
      Wire.putTask(b, e.getKey());
      b.appendLong(e.getValue());
    }
    return b.getBytes();
  }

  static Checkpoint decode(Buffer b) {
    Wire w = new Wire(b, 0);
    long position = w.getLong();
    Buffer state = w.getBytes();
    int n = w.getInt();
    Map<TaskId, Long> applied = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) applied.put(w.getTask(), w.getLong());
    return new Checkpoint(position, state, applied);
  }
}
