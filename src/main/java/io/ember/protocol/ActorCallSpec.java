package io.ember.protocol;

import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One call of an actor method, as a client sends it to the actor's node. {@code id} is the
 * call's deterministic task id (its result is object {@code <id>.1}); {@code caller} is the id
 * of the driver or task that made the call and {@code seq} its 1-based count of calls to this
 * actor: the actor runs each caller's calls in seq order, and a seq it has already applied is
 * answered from the recorded result instead of running again (exactly-once per caller).
 * {@code owner} is the client whose inbox gets the result.
 */
public record ActorCallSpec(TaskId id, ActorId actor, TaskId caller, long seq, String method, List<TaskSpec.Arg> args,
    ClientId owner) {

  public ObjectId returnId() {
    return ObjectId.of(id, 1);
  }

  public void encodeTo(Buffer b) {
    Wire.putTask(b, id);
    Wire.putActor(b, actor);
    Wire.putTask(b, caller);
    b.appendLong(seq);
    Wire.putString(b, method);
    TaskSpec.Arg.encodeAll(b, args);
    Wire.putClient(b, owner);
  }

  public static ActorCallSpec decode(Wire w) {
    return new ActorCallSpec(w.getTask(), w.getActor(), w.getTask(), w.getLong(), w.getString(), TaskSpec.Arg.decodeAll(w), w.getClient());
  }
}
