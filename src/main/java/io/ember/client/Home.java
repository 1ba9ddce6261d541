package io.ember.client;

import io.ember.ids.NodeId;
import io.ember.monitor.ClusterView;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The node a client sends its work to (its home) and when that changes. A node's own client is
 * at home on its node while that node is not fenced. A driver's home is the node that answered
 * it first; when a verdict says the home died, the next live peer takes over, and a home whose
 * scheduler has been silent for {@value #SILENCE_MS} ms is replaced by a peer heard from since
 * (so a verdict that never reached the driver does not leave it asking a dead node). Holds no
 * other state; reads the view, never changes it.
 */
final class Home implements Supplier<NodeId> {
  private static final Logger LOG = Logger.getLogger(Home.class.getName());
  /** How long a driver's home may be silent (no scheduler heartbeat) before another node is used. */
  static final long SILENCE_MS = 5000;

  private final ClusterView view;
  private final NodeId self;
  private final BooleanSupplier fenced;
  private final Clock clock;
  private volatile NodeId node;

  /** @param self this JVM's node for a node's own client (null for a driver); {@code fenced} says whether it still serves */
  Home(NodeId first, ClusterView view, NodeId self, BooleanSupplier fenced, Clock clock) {
    this.node = first;
    this.view = view;
    this.self = self;
    this.fenced = fenced;
    this.clock = clock;
  }

  @Override
  public NodeId get() {
    return node;
  }

  /** A verdict: if it names the home, move; true if it did. */
  boolean died(NodeId dead) {
    if (!dead.equals(node)) return false;
    if (self != null && !fenced.getAsBoolean()) {
      node = self;
      return true;
    }
    for (ClusterView.Peer p : view.alive()) {
      node = p.id;
      return true;
    }
    return true;
  }

  /** About once a second, for a driver: a silent home is replaced by a peer heard from lately. */
  void check() {
    if (self != null) return;
    long now = clock.millis();
    ClusterView.Peer current = view.find(node);
    if (current != null && !current.dead && now - current.schedulerSeenAt < SILENCE_MS) return;
    for (ClusterView.Peer p : view.alive()) {
      if (now - p.schedulerSeenAt < SILENCE_MS) {
        LOG.info("home " + node + " is silent; this driver now sends its work to " + p.id);
        node = p.id;
        return;
      }
    }
  }
}
