package io.ember.ids;

import java.util.UUID;

/** A node process's identity, fresh at every start; its incarnation is told apart by its epoch. */
public record NodeId(String value) {

  public NodeId {
    if (value == null || value.isEmpty() || !value.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("a node id is 1-64 of [A-Za-z0-9_-], got '" + value + "'");
    }
  }

  public static NodeId random() {
    return new NodeId(UUID.randomUUID().toString().replace("-", "").substring(0, 12));
  }

  @Override
  public String toString() {
    return value;
  }
}
