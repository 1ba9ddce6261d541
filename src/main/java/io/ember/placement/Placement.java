package io.ember.placement;

import io.ember.ids.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one placement rule, for tasks and for actors, over a snapshot of {@link Candidate}s.
 * Pure: it reads its arguments and decides; it never changes a view, forwards, or counts a
 * choice (a caller that places several things in a row charges each choice to its own state).
 *
 * <p><b>Tasks</b> ({@link #forTask}): (1) here, if this node has the resources and a free slot;
 * (2) else the live feasible peer with the most free slots (more than zero; the first one in
 * snapshot order on a tie); (3) else, if this node has the resources, wait here in the backlog;
 * (4) else the live feasible peer with the fewest queued tasks (first on a tie), to queue there;
 * (5) else no live node has the resources. A backlogged task ({@link #forBacklogged}) runs here
 * while this node has room (the caller's headroom: a few queued beyond its slots), else on the
 * peer of step 2, else it keeps waiting.
 *
 * <p><b>Actors</b> ({@link #forActor}): the node named by {@code onNode} if it is live and
 * feasible; else the live feasible node hosting the fewest actors, the {@code home} node on a
 * tie (else the first in snapshot order); null if none is feasible. With no {@code onNode} and
 * no {@code home} this is the rule the acting monitor's Lua {@code place} applies when it moves
 * the actors of a dead node (gcs {@code Recovery}), where the snapshot is the node table's
 * {@code ALIVE} rows in {@code SMEMBERS} order and the script charges each choice to its count.
 *
 * <p>Never: reads a clock, a view, or conf; allocates beyond its answer.
 */
public final class Placement {
  private Placement() {}

  /** What to do with a task. */
  public enum Kind {
    /** Run it on this node now. */
    HERE,
    /** Send it to {@link TaskChoice#node()}. */
    FORWARD,
    /** Every feasible slot is taken: keep it here until one frees. */
    BACKLOG,
    /** No live node has the resources it asks for. */
    INFEASIBLE
  }

  /** A task's placement; {@code node} is set only for {@link Kind#FORWARD}. */
  public record TaskChoice(Kind kind, NodeId node) {
    public static final TaskChoice HERE = new TaskChoice(Kind.HERE, null);
    public static final TaskChoice BACKLOG = new TaskChoice(Kind.BACKLOG, null);
    public static final TaskChoice INFEASIBLE = new TaskChoice(Kind.INFEASIBLE, null);

    static TaskChoice forward(NodeId node) {
      return new TaskChoice(Kind.FORWARD, node);
    }
  }

  /**
   * Places a new task: {@code local} is this node (its free slots count its pool only), {@code
   * peers} the others as last reported (this node among them is skipped), asked for only when
   * the task does not stay here (the common case builds no snapshot).
   */
  public static TaskChoice forTask(Candidate local, Supplier<List<Candidate>> peers, Map<String, Double> demand) {
    boolean localFeasible = local.feasible(demand);
    if (localFeasible && local.free() > 0) return TaskChoice.HERE;
    List<Candidate> others = peers.get();
    Candidate best = mostFree(local.id(), others, demand);
    if (best != null) return TaskChoice.forward(best.id());
    if (localFeasible) return TaskChoice.BACKLOG;
    Candidate leastQueued = null;
    for (Candidate p : others) {
      if (!p.alive() || p.id().equals(local.id()) || !p.feasible(demand)) continue;
      if (leastQueued == null || p.queued() < leastQueued.queued()) leastQueued = p;
    }
    return leastQueued == null ? TaskChoice.INFEASIBLE : TaskChoice.forward(leastQueued.id());
  }

  /**
   * Places a task waiting in this node's backlog (it fits here): here if {@code localHasRoom},
   * else the peer with the most free slots, else {@link TaskChoice#BACKLOG} (keep waiting).
   */
  public static TaskChoice forBacklogged(NodeId self, boolean localHasRoom, Supplier<List<Candidate>> peers,
      Map<String, Double> demand) {
    if (localHasRoom) return TaskChoice.HERE;
    Candidate best = mostFree(self, peers.get(), demand);
    return best == null ? TaskChoice.BACKLOG : TaskChoice.forward(best.id());
  }

  /** The live feasible peer (not {@code self}) with the most free slots, more than zero; the first on a tie. */
  static Candidate mostFree(NodeId self, List<Candidate> peers, Map<String, Double> demand) {
    Candidate best = null;
    for (Candidate p : peers) {
      if (!p.alive() || p.id().equals(self) || !p.feasible(demand)) continue;
      if (p.free() > 0 && (best == null || p.free() > best.free())) best = p;
    }
    return best;
  }

  /**
   * Places an actor: {@code onNode} (a node id or name, or null) if live and feasible; else the
   * live feasible candidate hosting the fewest actors, {@code home} (may be null) on a tie; null
   * if no live candidate is feasible.
   */
  /** True if a node with these resources is the one named {@code nodeName} (it advertises {@code node:<name>}). */
  public static boolean names(Map<String, Double> resources, String nodeName) {
    return resources.getOrDefault("node:" + nodeName, 0.0) > 0;
  }

  public static NodeId forActor(List<Candidate> candidates, Map<String, Double> demand, String onNode, NodeId home) {
    Candidate best = null;
    for (Candidate c : candidates) {
      if (!c.alive() || !c.feasible(demand)) continue;
      if (onNode != null && names(c.resources(), onNode)) return c.id();
      if (best == null || c.actors() < best.actors() || (c.actors() == best.actors() && Objects.equals(c.id(), home))) best = c;
    }
    return best == null ? null : best.id();
  }
}
