package io.ember.protocol;

import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to construct an actor anywhere, again and again: its id (the deterministic
 * id of the creating submission), registered class, constructor arguments, the resources its
 * node must have, its restart budget ({@code maxRestarts}, -1 = unlimited) and checkpoint rule
 * (every {@code checkpointCalls} calls or {@code checkpointMs} ms; 0 = not by that rule).
 * {@code owner} is the creating client; {@code name} the cluster-wide name it registers ({@code ""}
 * = none). Stored in the actor table.
 */
public record ActorCreateSpec(ActorId actor, String className, List<TaskSpec.Arg> args, Map<String, Double> resources,
    int maxRestarts, int checkpointCalls, long checkpointMs, ClientId owner, String name) {

  public ActorCreateSpec {
    name = name == null ? "" : name;
  }

  /** An unnamed actor's spec. */
  public ActorCreateSpec(ActorId actor, String className, List<TaskSpec.Arg> args, Map<String, Double> resources,
      int maxRestarts, int checkpointCalls, long checkpointMs, ClientId owner) {
    this(actor, className, args, resources, maxRestarts, checkpointCalls, checkpointMs, owner, "");
  }

  public Buffer encode() {
    Buffer b = Buffer.buffer(128);
    encodeTo(b);
    return b;
  }

  public void encodeTo(Buffer b) {
    Wire.putActor(b, actor);
    Wire.putString(b, className);
    TaskSpec.Arg.encodeAll(b, args);
    b.appendInt(resources.size());
    for (Map.Entry<String, Double> e : resources.entrySet()) {
      Wire.putString(b, e.getKey());
      b.appendDouble(e.getValue());
    }
    b.appendInt(maxRestarts).appendInt(checkpointCalls).appendLong(checkpointMs);
    Wire.putClient(b, owner);
    Wire.putString(b, name);
  }

  public static ActorCreateSpec decodeBuffer(Buffer b) {
    return decode(new Wire(b, 0));
  }

  /**
   * The spec stored in actor {@code actor}'s row: an {@link IllegalArgumentException} saying why
   * when it is missing, cannot be decoded, has bytes left over, or names another actor.
   */
  public static ActorCreateSpec decodeStored(ActorId actor, byte[] stored) {
    if (stored == null || stored.length == 0) throw new IllegalArgumentException("its row has no spec");
    Buffer b = Buffer.buffer(stored);
    Wire w = new Wire(b, 0);
    ActorCreateSpec spec;
    try {
      spec = decode(w);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("its spec in the actor table (" + stored.length + " bytes) cannot be decoded: " + e.getMessage());
    }
    if (w.position() != b.length() || !actor.equals(spec.actor()) || spec.className() == null) {
      throw new IllegalArgumentException("its spec in the actor table (" + stored.length + " bytes) is corrupt: it decodes to actor "
          + spec.actor() + " with " + (b.length() - w.position()) + " bytes left over");
    }
    return spec;
  }

  public static ActorCreateSpec decode(Wire w) {
    ActorId actor = w.getActor();
    String cls = w.getString();
    List<TaskSpec.Arg> args = TaskSpec.Arg.decodeAll(w);
    int r = w.getInt();
    Map<String, Double> resources = new LinkedHashMap<>();
    for (int i = 0; i < r; i++) resources.put(w.getString(), w.getDouble());
    return new ActorCreateSpec(actor, cls, args, resources, w.getInt(), w.getInt(), w.getLong(), w.getClient(), w.getString());
  }
}
