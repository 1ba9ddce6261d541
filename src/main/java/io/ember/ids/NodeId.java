package io.ember.ids;

import java.util.UUID;
import java.util.regex.Pattern;

/** A node process's identity, fresh at every start; its incarnation is told apart by its epoch. */
public record NodeId(String value) {
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public NodeId {
    if (value == null || !FORM.matcher(value).matches()) { // compiled once: node ids are parsed on hot paths
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
