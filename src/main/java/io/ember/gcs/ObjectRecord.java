package io.ember.gcs;

import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import java.util.Set;

/** A row of the object table with its location set ({@code kind} is {@code task} or {@code put}). */
public record ObjectRecord(ObjectId id, long size, TaskId task, String kind, Set<NodeId> locations) {
  public static final String KIND_TASK = "task";
  public static final String KIND_PUT = "put";

  public ObjectRecord {
    locations = Set.copyOf(locations);
  }
}
