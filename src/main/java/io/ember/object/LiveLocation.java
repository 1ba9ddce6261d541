package io.ember.object;

import io.ember.gcs.ObjectRecord;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.monitor.ClusterView;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * The one rule for "where can a copy of this object be fetched now": the first location in its
 * object-table row that is either this node (and the copy really is in its store) or a peer that
 * is not dead and whose transfer endpoint is known. Holds no state; never blocks, never asks the
 * network.
 */
public final class LiveLocation {
  private final NodeId self;
  private final Predicate<ObjectId> heldHere;
  private final LongFunction<Location> selfAt;
  private final ClusterView view;

  /** For a node: {@code self}, what its store holds, and its own transfer endpoint. */
  public LiveLocation(NodeId self, Predicate<ObjectId> heldHere, LongFunction<Location> selfAt, ClusterView view) {
    this.self = self;
    this.heldHere = heldHere;
    this.selfAt = selfAt;
    this.view = view;
  }

  /** For a driver that stores nothing itself. */
  public static LiveLocation remote(ClusterView view) {
    return new LiveLocation(null, id -> false, size -> null, view);
  }

  /** The first live copy of {@code rec}, or null if none (or no row). */
  public Location first(ObjectRecord rec) {
    if (rec == null) return null;
    for (NodeId n : rec.locations()) {
      if (n.equals(self) && heldHere.test(rec.id())) return selfAt.apply(rec.size());
      ClusterView.Peer p = view.find(n);
      if (p != null && !p.dead && p.host != null && p.transferPort > 0) return new Location(n, p.host, p.transferPort, rec.size());
    }
    return null;
  }
}
