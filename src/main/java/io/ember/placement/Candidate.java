package io.ember.placement;

import io.ember.ids.NodeId;
import java.util.Map;

/**
 * One node as placement sees it at one moment: its worker {@code slots}, its {@code busy}
 * workers, its {@code queued} tasks (for a peer: those it reported plus those forwarded to it
 * since), the {@code resources} it has (including {@code node:<id>} and {@code node:<name>}), the
 * {@code actors} it hosts, and whether it is {@code alive} (not dead, not suspected, heard from).
 * An immutable snapshot: a caller that acts on a choice accounts for it itself.
 */
public record Candidate(NodeId id, int slots, int busy, int queued, Map<String, Double> resources, int actors, boolean alive) {

  /** Free worker slots (negative when over-committed). */
  public int free() {
    return slots - busy - queued;
  }

  /** True if every resource {@code demand} asks for (a positive amount) is here in at least that amount. */
  public boolean feasible(Map<String, Double> demand) {
    for (Map.Entry<String, Double> e : demand.entrySet()) {
      if (e.getValue() > 0 && resources.getOrDefault(e.getKey(), 0.0) < e.getValue()) return false;
    }
    return true;
  }
}
