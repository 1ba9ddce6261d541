package io.ember.monitor;

import io.ember.ids.NodeId;
import io.vertx.core.json.JsonObject;

/** The heartbeat messages every scheduler and object manager publishes each interval. */
public final class Heartbeat {
  private Heartbeat() {}

  public static final String SCHEDULER = "scheduler";
  public static final String OBJECTS = "objects";

  public static JsonObject of(String component, NodeId node, long epoch, long sentAt) {
    return new JsonObject().put("component", component).put("node", node.value()).put("epoch", epoch).put("sentAt", sentAt);
  }

  /** The detector's key for one component of one node. */
  public static String key(String node, String component) {
    return node + "/" + component;
  }
}
