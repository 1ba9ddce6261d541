package io.ember.object;

import io.ember.ids.NodeId;
import io.vertx.core.json.JsonObject;

/** Where a copy of an object can be fetched: the node and its transfer endpoint. */
public record Location(NodeId node, String host, int port, long size) {

  public JsonObject toJson() {
    return new JsonObject().put("node", node.value()).put("host", host).put("port", port).put("size", size);
  }

  public static Location fromJson(JsonObject o) {
    return new Location(new NodeId(o.getString("node")), o.getString("host"), o.getInteger("port"), o.getLong("size"));
  }
}
