package io.ember.protocol;

import io.ember.ids.NodeId;
import io.vertx.core.buffer.Buffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One heartbeat published on {@link Addresses#HEARTBEAT}: a scheduler's (with its {@link Load})
 * or an object manager's (with its {@link Store}), each from its own event loop every
 * {@code heartbeat.intervalMs}. Node heartbeats ({@link Component#NODE}) travel over UDP, not as
 * this message; the component exists here so that the monitor's detectors can name it.
 * Exactly one of {@code load} and {@code store} is set, matching the component.
 */
public record Heartbeat(Component component, NodeId node, long epoch, long sentAt, String busNodeId, Load load, Store store) {

  /** Who sent it. The wire names appear in detector keys and in the reasons of verdicts. */
  public enum Component {
    /** Sent by the monitor's own thread over UDP: the JVM is alive (a hang or SIGSTOP silences it). */
    NODE("node"),
    /** Sent by the scheduler's event loop: the scheduler serves, and its load. */
    SCHEDULER("scheduler"),
    /** Sent by the object manager's event loop: it serves, and where its transfers are. */
    OBJECTS("objects");

    public final String wireName;

    Component(String wireName) {
      this.wireName = wireName;
    }
  }

  /** A scheduler's load: worker slots, busy workers, queued tasks (backlog included), workers blocked in get, resources, hosted actors. */
  public record Load(int slots, int busy, int queued, int blocked, Map<String, Double> resources, int actors) {
    public Load {
      resources = Collections.unmodifiableMap(new LinkedHashMap<>(resources));
    }
  }

  /** An object manager's endpoint and store: transfer host and port, the node's UDP heartbeat port, object count and bytes. */
  public record Store(String host, int transferPort, int heartbeatPort, int objects, long memoryBytes, long diskBytes) {}

  public static Heartbeat scheduler(NodeId node, long epoch, long sentAt, String busNodeId, Load load) {
    return new Heartbeat(Component.SCHEDULER, node, epoch, sentAt, busNodeId, load, null);
  }

  public static Heartbeat objects(NodeId node, long epoch, long sentAt, String busNodeId, Store store) {
    return new Heartbeat(Component.OBJECTS, node, epoch, sentAt, busNodeId, null, store);
  }

  public void encodeTo(Buffer b) {
    b.appendByte((byte) component.ordinal());
    Wire.putString(b, node.value());
    b.appendLong(epoch).appendLong(sentAt);
    Wire.putString(b, busNodeId);
    b.appendByte((byte) (load == null ? 0 : 1));
    if (load != null) {
      b.appendInt(load.slots).appendInt(load.busy).appendInt(load.queued).appendInt(load.blocked);
      b.appendInt(load.resources.size());
      for (Map.Entry<String, Double> e : load.resources.entrySet()) {
        Wire.putString(b, e.getKey());
        b.appendDouble(e.getValue());
      }
      b.appendInt(load.actors);
    }
    b.appendByte((byte) (store == null ? 0 : 1));
    if (store != null) {
      Wire.putString(b, store.host);
      b.appendInt(store.transferPort).appendInt(store.heartbeatPort).appendInt(store.objects);
      b.appendLong(store.memoryBytes).appendLong(store.diskBytes);
    }
  }

  /** Throws on a malformed buffer (a bad component, a bad node id, too few bytes): the consumer ignores it. */
  public static Heartbeat decode(Wire w) {
    Component component = Component.values()[w.getByte()];
    NodeId node = new NodeId(w.getString());
    long epoch = w.getLong();
    long sentAt = w.getLong();
    String busNodeId = w.getString();
    Load load = null;
    if (w.getBoolean()) {
      int slots = w.getInt();
      int busy = w.getInt();
      int queued = w.getInt();
      int blocked = w.getInt();
      int n = w.getInt();
      Map<String, Double> resources = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) resources.put(w.getString(), w.getDouble());
      load = new Load(slots, busy, queued, blocked, resources, w.getInt());
    }
    Store store = null;
    if (w.getBoolean()) {
      store = new Store(w.getString(), w.getInt(), w.getInt(), w.getInt(), w.getLong(), w.getLong());
    }
    return new Heartbeat(component, node, epoch, sentAt, busNodeId, load, store);
  }
}
