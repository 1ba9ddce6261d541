package io.ember.monitor;

import io.ember.ids.NodeId;
import io.vertx.core.json.JsonObject;

/** The heartbeat messages every scheduler and object manager publishes each interval. */
public final class Heartbeat {
  private Heartbeat() {}

  /** Sent by the monitor's own thread: the JVM is alive (a hang or SIGSTOP silences it). */
  public static final String NODE = "node";
  /** Sent by the scheduler's event loop: the scheduler serves, and its load. */
  public static final String SCHEDULER = "scheduler";
  /** Sent by the object manager's event loop: it serves, and where its transfers are. */
  public static final String OBJECTS = "objects";

  public static JsonObject of(String component, NodeId node, long epoch, long sentAt) {
    return new JsonObject().put("component", component).put("node", node.value()).put("epoch", epoch).put("sentAt", sentAt);
  }

  /** The detector's key for one component of one node. */
  public static String key(String node, String component) {
    return node + "/" + component;
  }
}
