package io.ember.ids;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A client's identity: the owner of the tasks, puts and actor calls it submits, whose inbox gets
 * their results and which answers waits for them. A node's own client has the node's id as its
 * value; a driver that is not a node is {@code c-<12 hex digits>}, fresh at every connect.
 */
public record ClientId(String value) {
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public ClientId {
    if (value == null || !FORM.matcher(value).matches()) { // compiled once: every task spec carries its owner
      throw new IllegalArgumentException("a client id is 1-64 of [A-Za-z0-9_-], got '" + value + "'");
    }
  }

  /** The client of node {@code node}: owner of its event-bus submissions and nested tasks. */
  public static ClientId ofNode(NodeId node) {
    return new ClientId(node.value());
  }

  /** A fresh id for a driver that is not a node. */
  public static ClientId random() {
    return new ClientId("c-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
  }

  public static ClientId parse(String text) {
    return new ClientId(text);
  }

  @Override
  public String toString() {
    return value;
  }
}
