package io.ember.owner;

import io.ember.ids.NodeId;
import io.ember.monitor.ClusterView;
import io.ember.placement.Candidate;
import io.ember.placement.Placement;
import io.ember.protocol.ActorCreateSpec;
import java.util.ArrayList;
import java.util.List;

/** Where a client creates an actor, from its view of the cluster. Never decides: {@link Placement} does. */
final class ActorPlace {
  private ActorPlace() {}

  /**
   * {@link Placement#forActor} over the live peers that serve transfers; null when none fits. A
   * choice by count is charged to the peer's actor count until its next heartbeat reports the
   * real one, so that a burst of creations spreads.
   */
  static NodeId choose(ClusterView view, ActorCreateSpec spec, String onNode, NodeId home) {
    List<Candidate> candidates = new ArrayList<>();
    for (ClusterView.Peer p : view.alive()) {
      if (p.host != null) candidates.add(p.candidate());
    }
    NodeId chosen = Placement.forActor(candidates, spec.resources(), onNode, home);
    if (chosen == null) return null;
    if (onNode == null || !Placement.names(view.find(chosen).resources, onNode)) view.actorPlaced(chosen);
    return chosen;
  }
}
