package io.ember.protocol;

import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The acting monitor's verdict, published on {@link Addresses#NODE_DEAD} once Redis recorded it:
 * {@code node} is dead for {@code reason} (declared at {@code at} by monitor {@code by}); the
 * tasks it held are {@code lost} (their owners re-run them); its actors were recreated at
 * {@code placements} (a new incarnation each) or are {@code actorsDead}. A node that reads its
 * own id here is fenced. The same verdict may arrive twice (a new leader finishing a cleanup):
 * every reaction to it is idempotent.
 */
public record NodeDeath(NodeId node, String reason, long at, NodeId by, List<TaskId> lost,
    List<ActorPlacement> placements, List<ActorDeath> actorsDead) {

  public NodeDeath {
    lost = List.copyOf(lost);
    placements = List.copyOf(placements);
    actorsDead = List.copyOf(actorsDead);
  }

  public void encodeTo(Buffer b) {
    Wire.putString(b, node.value());
    Wire.putString(b, reason);
    b.appendLong(at);
    Wire.putString(b, by.value());
    b.appendInt(lost.size());
    for (TaskId t : lost) Wire.putTask(b, t);
    putPlacements(b, placements);
    b.appendInt(actorsDead.size());
    for (ActorDeath d : actorsDead) {
      Wire.putActor(b, d.actor());
      Wire.putString(b, d.reason());
    }
  }

  /** Throws on a malformed buffer: the consumer ignores the message. */
  public static NodeDeath decode(Wire w) {
    NodeId node = new NodeId(w.getString());
    String reason = w.getString();
    long at = w.getLong();
    NodeId by = new NodeId(w.getString());
    int n = count(w);
    List<TaskId> lost = new ArrayList<>();
    for (int i = 0; i < n; i++) lost.add(w.getTask());
    List<ActorPlacement> placements = getPlacements(w);
    n = count(w);
    List<ActorDeath> dead = new ArrayList<>();
    for (int i = 0; i < n; i++) dead.add(new ActorDeath(w.getActor(), w.getString()));
    return new NodeDeath(node, reason, at, by, lost, placements, dead);
  }

  static void putPlacements(Buffer b, List<ActorPlacement> placements) {
    b.appendInt(placements.size());
    for (ActorPlacement p : placements) {
      Wire.putActor(b, p.actor());
      Wire.putString(b, p.node().value());
      b.appendLong(p.incarnation());
    }
  }

  static List<ActorPlacement> getPlacements(Wire w) {
    int n = count(w);
    List<ActorPlacement> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(new ActorPlacement(w.getActor(), new NodeId(w.getString()), w.getLong()));
    return out;
  }

  /** A list length, refused when negative (a corrupt buffer fails when it runs out of bytes, never allocates by it). */
  private static int count(Wire w) {
    int n = w.getInt();
    if (n < 0) throw new IllegalArgumentException("negative length " + n);
    return n;
  }
}
