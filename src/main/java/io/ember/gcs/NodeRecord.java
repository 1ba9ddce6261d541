package io.ember.gcs;

import io.ember.ids.NodeId;
import java.util.Map;

/** A row of the node table: the incarnation ({@code epoch}), its {@link NodeState}, and every hash field as text. */
public record NodeRecord(NodeId id, long epoch, NodeState state, Map<String, String> fields) {
  public NodeRecord {
    fields = Map.copyOf(fields);
  }

  public boolean alive() {
    return state == NodeState.ALIVE;
  }

  /** Time of the last heartbeat written, in ms since the epoch; 0 if none yet. */
  public long heartbeatAt() {
    return Resp.number(fields, "heartbeatAt", 0);
  }

  public long startedAt() {
    return Resp.number(fields, "startedAt", 0);
  }

  public String host() {
    return fields.get("host");
  }

  /** The object transfer port; -1 if the node did not publish one. */
  public int transferPort() {
    return (int) Resp.number(fields, "transferPort", -1);
  }

  public String deadReason() {
    return fields.get("deadReason");
  }
}
