package io.ember.object;

import io.ember.ids.NodeId;
import io.ember.monitor.ClusterView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The one rule for where a put value's second copy goes: the live peer, other than this node and
 * those already tried, whose object store holds the fewest bytes (memory and spill, as last
 * reported, plus the copies sent there since); ties go to the smallest node id. Holds no state,
 * never blocks, never asks the network.
 */
final class CopyTarget {
  /** A peer as the rule sees it: placeable and fetchable ({@code live}), and how full its store is. */
  record Candidate(NodeId node, boolean live, long storeBytes) {}

  private CopyTarget() {}

  /** The node to copy to, or null when no live peer is left. */
  static NodeId choose(Collection<Candidate> peers, NodeId self, Set<NodeId> excluded) {
    Candidate best = null;
    for (Candidate c : peers) {
      if (!c.live() || c.node().equals(self) || excluded.contains(c.node())) continue;
      if (best == null || c.storeBytes() < best.storeBytes()
          || c.storeBytes() == best.storeBytes() && c.node().value().compareTo(best.node().value()) < 0) best = c;
    }
    return best == null ? null : best.node();
  }

  /** Every peer of {@code view}: live when placeable ({@link ClusterView.Peer#alive()}) with a known transfer endpoint. */
  static List<Candidate> of(ClusterView view) {
    List<Candidate> out = new ArrayList<>();
    for (ClusterView.Peer p : view.all().values()) {
      out.add(new Candidate(p.id, p.alive() && p.host != null && p.transferPort > 0, p.storeBytes));
    }
    return out;
  }
}
