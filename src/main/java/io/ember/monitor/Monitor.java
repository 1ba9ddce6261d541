package io.ember.monitor;

import io.ember.gcs.NodeRecord;
import io.ember.gcs.NodeState;
import io.ember.ids.ActorId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorDeath;
import io.ember.protocol.ActorPlacement;
import io.ember.protocol.Heartbeat;
import io.ember.protocol.NodeDeath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.function.LongSupplier;

/**
 * A node's monitor decisions, apart from the bus, the timers and Redis (which
 * {@link MonitorVerticle} drives): what heartbeats and membership say, which silent or departed
 * node to declare dead and when, whether to try for the acting monitor's lease, what a
 * takeover must finish, and what a verdict does here. Time comes from an injected clock, so
 * every decision is unit-tested without a cluster.
 *
 * <p>Rules. (1) A node is declared dead only by the acting monitor (the lease holder), never
 * itself, and once at a time (until the declaration's answer arrives). (2) A check that ran
 * late blames itself, not the peers (see {@link FailureDetector}). (3) A silent key of a node
 * already dead or never known is forgotten. (4) The live node with the lowest epoch tries for
 * the lease; an older node not heard from for half a timeout loses its precedence (the lease,
 * not this, keeps two monitors from acting). (5) A new leader re-declares the nodes the table
 * says are dead (to finish a cleanup a previous leader left half done) and gives every node it
 * has never heard the component timeout to send its first heartbeat (it may still be
 * starting). (6) A verdict marks the node dead in the view, stops watching and heartbeating
 * it, and fences this node if it names it. (7) With {@link #requireMajority} (a replicated Redis
 * group), a monitor that does not hear a strict majority of the nodes it does not know dead
 * neither declares, nor places actors, nor asks for the lease: the minority side of a partition
 * stops acting, whatever Redis it still reaches.
 *
 * <p>Threading: three threads call it: the monitor's worker thread (bus heartbeats, membership,
 * verdicts, declarations' answers), the {@link LeaseKeeper}'s threads (the lease and the
 * checks) and the UDP receiving thread ({@link #onBeat}, which touches only the thread-safe view
 * and detector). Every other method is synchronized; none blocks or does I/O, so the lock is
 * held for microseconds.
 */
public final class Monitor {
  private static final Logger LOG = Logger.getLogger(Monitor.class.getName());
  /** Why a node that left the Hazelcast cluster (its JVM crashed or was killed) is dead. */
  public static final String EXITED = "process exited (left the Hazelcast cluster)";
  /** How often the verticle runs {@link #check()}. */
  public static final long CHECK_MS = 50;
  /** How often, at most, the acting monitor retries placing actors that found no live node. */
  static final long UNPLACED_EVERY_MS = 1000;

  /** The heartbeat conf: interval, node timeout, component timeout (ms). */
  public record Timing(long intervalMs, long timeoutMs, long componentTimeoutMs) {
    public long leaseTtlMs() {
      return LeaseState.ttlMs(intervalMs, timeoutMs);
    }
  }

  /** Declare {@code node} dead for {@code reason}, now, in the current term. */
  public record Declaration(NodeId node, String reason) {}

  /** Where this node sends its UDP heartbeats ({@link HeartbeatChannel}). */
  public interface Peers {
    void add(NodeId node, String host, int port);

    void remove(NodeId node);
  }

  private final NodeId self;
  private final LongSupplier epoch;
  private final ClusterView view;
  private final Timing timing;
  private final Clock clock;
  private final Peers peers;
  private final Consumer<String> fence;
  private final FailureDetector<String> nodes;      // node heartbeats: crashes and hangs
  private final FailureDetector<String> components; // scheduler and object manager loops
  private final Set<NodeId> declaring = new HashSet<>();
  private volatile LeaseState lease = LeaseState.IDLE;
  private long unplacedAt;
  /** Rule (7): act only while hearing a strict majority of the nodes not known dead. */
  private volatile boolean majority;
  private boolean quorateLastTime = true;

  public Monitor(NodeId self, long epoch, ClusterView view, Timing timing, Clock clock, Peers peers, Consumer<String> fence) {
    this(self, () -> epoch, view, timing, clock, peers, fence);
  }

  /** As above, with this node's epoch read when it is compared (a resync replaces it). */
  public Monitor(NodeId self, LongSupplier epoch, ClusterView view, Timing timing, Clock clock, Peers peers, Consumer<String> fence) {
    this.self = self;
    this.epoch = epoch;
    this.view = view;
    this.timing = timing;
    this.clock = clock;
    this.peers = peers;
    this.fence = fence;
    this.nodes = new FailureDetector<>(timing.timeoutMs(), CHECK_MS, clock::millis);
    this.components = new FailureDetector<>(timing.componentTimeoutMs(), CHECK_MS, clock::millis);
  }

  /**
   * Rule (7) on: this monitor declares, places and holds the lease only while it hears a strict
   * majority of the nodes its view does not know dead and has heard at least once (itself included). Set where Redis is a
   * replicated group, which follows a majority too; a two-node cluster then cannot declare either.
   */
  public Monitor requireMajority(boolean on) {
    this.majority = on;
    return this;
  }

  /** True unless rule (7) is on and this monitor hears no strict majority; logs each change. */
  synchronized boolean quorate() {
    if (!majority) return true;
    long now = clock.millis();
    int members = 0;
    int heard = 0;
    for (ClusterView.Peer p : view.all().values()) {
      // a node never heard over UDP yet (it is starting) is not counted: it would take the majority from a
      // monitor for as long as its first heartbeats take
      if (p.dead || (p.nodeSeenAt == 0 && !p.id.equals(self))) continue;
      members++;
      if (p.id.equals(self) || now - p.nodeSeenAt <= timing.timeoutMs()) heard++;
    }
    if (view.find(self) == null) {
      members++;
      heard++;
    }
    boolean ok = 2 * heard > members;
    if (ok != quorateLastTime) {
      if (ok) LOG.info("monitor of " + self + " hears " + heard + " of " + members + " nodes again: a majority; it may act");
      else LOG.warning("monitor of " + self + " hears only " + heard + " of " + members + " nodes: no majority; it stops acting");
      quorateLastTime = ok;
    }
    return ok;
  }

  /** The detectors' key for one component of one node. */
  static String key(NodeId node, Heartbeat.Component component) {
    return node.value() + "/" + component.wireName;
  }

  // ---- what the others say ----------------------------------------------------------------

  /** A node heartbeat arrived over UDP (on the channel's thread). */
  public void onBeat(NodeId node, long beatEpoch) {
    ClusterView.Peer p = view.find(node);
    if (p == null || p.dead || beatEpoch < p.epoch) return;
    p.nodeSeenAt = clock.millis();
    nodes.heard(key(node, Heartbeat.Component.NODE));
  }

  /** A component heartbeat arrived on the event bus. True if it is this node's own scheduler's (its load goes to the table). */
  public synchronized boolean onHeartbeat(Heartbeat hb) {
    view.onHeartbeat(hb, clock.millis());
    ClusterView.Peer p = view.find(hb.node());
    if (p == null || p.dead) return false;
    components.heard(key(hb.node(), hb.component()));
    if (p.host != null) peers.add(p.id, p.host, hb.store() == null ? 0 : hb.store().heartbeatPort());
    return self.equals(hb.node()) && hb.component() == Heartbeat.Component.SCHEDULER;
  }

  /** Hazelcast says a member left: its node is suspected, and declared dead if this monitor acts. */
  public synchronized Declaration onMemberLeft(String busNodeId) {
    ClusterView.Peer p = view.byBusNode(busNodeId);
    if (p == null || p.dead || p.id.equals(self)) return null;
    p.suspected = true;
    return declare(p.id, EXITED);
  }

  /** Every {@link #CHECK_MS}: the nodes silent past their timeout, to declare dead if this monitor acts. */
  public synchronized List<Declaration> check() {
    long lateBefore = nodes.lateChecks() + components.lateChecks();
    List<String> silent = new ArrayList<>(nodes.check());
    silent.addAll(components.check());
    if (nodes.lateChecks() + components.lateChecks() > lateBefore) {
      // our own timer ran late (GC pause, starved machine): the silence may be ours, so nobody is blamed this round
      LOG.warning("monitor of " + self + ": failure check ran late; no peer is suspected this round ("
          + nodes.lateChecks() + " late checks so far)");
    }
    List<Declaration> out = new ArrayList<>();
    for (String key : silent) {
      int slash = key.indexOf('/');
      ClusterView.Peer p = view.find(new NodeId(key.substring(0, slash)));
      if (p == null || p.dead) {
        nodes.forget(key);
        components.forget(key);
        continue;
      }
      p.suspected = true;
      if (!p.id.equals(self)) {
        long silence = Math.max(nodes.silenceMs(key), components.silenceMs(key));
        String component = key.substring(slash + 1);
        String what = component.equals(Heartbeat.Component.NODE.wireName) ? "" : component + " ";
        Declaration d = declare(p.id, "no " + what + "heartbeat for " + silence + " ms");
        if (d != null) out.add(d);
      }
    }
    return out;
  }

  private Declaration declare(NodeId node, String reason) {
    if (!lease.acting() || !quorate() || !declaring.add(node)) return null;
    return new Declaration(node, reason);
  }

  /** The answer to a declaration arrived: it may be made again. {@code notLeader}: Redis says another monitor acts. */
  public synchronized void declared(NodeId node, boolean notLeader) {
    declaring.remove(node);
    if (notLeader) lease = lease.lost();
  }

  // ---- the lease --------------------------------------------------------------------------

  /**
   * Every heartbeat interval: whether to ask Redis for the lease (or to renew it). A holder that
   * could not renew for a whole TTL stops acting first.
   */
  public synchronized boolean shouldAskForLease() {
    long now = clock.millis();
    if (lease.expired(now, timing.leaseTtlMs())) {
      LOG.warning("monitor of " + self + " could not renew its lease for " + timing.leaseTtlMs()
          + " ms; it stops acting (term " + lease.term() + ")");
      lease = lease.lapsed(now, timing.leaseTtlMs());
    }
    return quorate() && (lease.acting() || oldestAlive(now));
  }

  /** The live node with the lowest epoch in this view (this one, unless an older one was heard lately). */
  private boolean oldestAlive(long now) {
    for (ClusterView.Peer p : view.alive()) {
      if (p.id.equals(self)) continue;
      boolean heard = now - p.nodeSeenAt < timing.timeoutMs() / 2;
      if (heard && p.epoch < epoch.getAsLong()) return false;
    }
    return true;
  }

  /** Redis granted the lease in {@code term} (asked for at {@code askedAt}). True if that is a takeover. */
  public synchronized boolean onLeaseGranted(long term, long askedAt) {
    boolean takeover = lease.takesOver(term);
    lease = lease.granted(term, askedAt);
    if (takeover) LOG.info("monitor of " + self + " is the acting monitor (term " + term + ")");
    return takeover;
  }

  /** Redis refused the lease: another monitor holds it. */
  public synchronized void onLeaseRefused() {
    if (lease.acting()) LOG.warning("monitor of " + self + " lost the lease (term " + lease.term() + ")");
    lease = lease.lost();
  }

  /**
   * What a new leader does with the node table: re-declare the nodes it says are dead (a
   * cleanup a previous leader may have left half done), and give each node never heard from
   * the component timeout for its first heartbeat (it may be starting; a crash meanwhile is
   * still seen at once through membership).
   */
  public synchronized List<Declaration> onTakeover(List<NodeRecord> table) {
    List<Declaration> out = new ArrayList<>();
    for (NodeRecord n : table) {
      if (n.id().equals(self)) continue;
      if (n.state() == NodeState.DEAD) {
        Declaration d = declare(n.id(), n.deadReason() == null ? "declared dead earlier" : n.deadReason());
        if (d != null) out.add(d);
      } else if (!nodes.watching(key(n.id(), Heartbeat.Component.NODE))) {
        nodes.expectWithin(key(n.id(), Heartbeat.Component.NODE), timing.componentTimeoutMs());
      }
    }
    return out;
  }

  /**
   * The acting monitor's sweep of the node table (periodic, and at a takeover): a row still
   * ALIVE whose last heartbeat (or start) is older than the component timeout (the grace a
   * starting node has for its first heartbeats: a node that just registered is not yet a member
   * this monitor knows, nor heard, and its row's heartbeat is its start), whose node is not
   * a live cluster member ({@code liveMembers}: Vert.x node ids) and has not been heard here
   * within the timeout, has no one left to declare it (it stopped with the rest of an earlier
   * run, or died while nobody led): it is declared dead now.
   */
  public synchronized List<Declaration> sweep(List<NodeRecord> table, Set<String> liveMembers) {
    long now = clock.millis();
    List<Declaration> out = new ArrayList<>();
    for (NodeRecord n : table) {
      if (!n.alive() || n.id().equals(self) || liveMembers.contains(n.fields().getOrDefault("busAddress", ""))) continue;
      long last = Math.max(n.heartbeatAt(), n.startedAt());
      ClusterView.Peer p = view.find(n.id());
      boolean heard = p != null && now - p.nodeSeenAt <= timing.timeoutMs();
      if (heard || now - last <= timing.componentTimeoutMs()) continue;
      Declaration d = declare(n.id(), "no heartbeat since " + Instant.ofEpochMilli(last) + " (earlier run)");
      if (d != null) out.add(d);
    }
    return out;
  }

  /** True about once a second while acting: time to retry placing actors that found no live node. */
  public synchronized boolean unplacedActorsDue() {
    long now = clock.millis();
    if (!lease.acting() || now - unplacedAt < UNPLACED_EVERY_MS || !quorate()) return false;
    unplacedAt = now;
    return true;
  }

  // ---- verdicts ---------------------------------------------------------------------------

  /** A verdict (from any monitor): the node is dead here too; if it is this node, it is fenced. */
  public synchronized void onVerdict(NodeDeath v) {
    view.markDead(v.node());
    peers.remove(v.node());
    nodes.forget(key(v.node(), Heartbeat.Component.NODE));
    components.forget(key(v.node(), Heartbeat.Component.SCHEDULER));
    components.forget(key(v.node(), Heartbeat.Component.OBJECTS));
    if (v.node().equals(self)) fence.accept("the acting monitor declared this node dead: " + v.reason());
  }

  /**
   * The verdict to publish for a declaration Redis applied, from the script's answer
   * ({@code {unknown} | {alreadyDead, lost:[taskId], actors:[[actor, node, incarnation]],
   * actorsDead:[[actor, why]], objectsDropped}}); null if Redis never knew the node. Entries
   * that do not parse are left out (no task or actor of ours has such an id).
   */
  public static NodeDeath verdict(NodeId node, String reason, long at, NodeId by, JsonObject answer) {
    if (answer.getBoolean("unknown", false)) return null;
    List<TaskId> lost = new ArrayList<>();
    for (Object t : answer.getJsonArray("lost", new JsonArray())) {
      try {
        lost.add(TaskId.parse(String.valueOf(t)));
      } catch (RuntimeException unreadable) {
        // not an id of ours
      }
    }
    return new NodeDeath(node, reason, at, by, lost, placements(answer.getJsonArray("actors")),
        deaths(answer.getJsonArray("actorsDead")));
  }

  /** {@code [[actorId, node, incarnation], ..]} from a script's answer; unreadable entries left out. */
  public static List<ActorPlacement> placements(JsonArray placed) {
    List<ActorPlacement> out = new ArrayList<>();
    if (placed == null) return out;
    for (Object o : placed) {
      if (!(o instanceof JsonArray a) || a.size() < 3) continue;
      try {
        out.add(new ActorPlacement(ActorId.parse(a.getString(0)), new NodeId(a.getString(1)), a.getLong(2)));
      } catch (RuntimeException malformed) {
        // ignored: the table lookup finds the actor
      }
    }
    return out;
  }

  private static List<ActorDeath> deaths(JsonArray gone) {
    List<ActorDeath> out = new ArrayList<>();
    if (gone == null) return out;
    for (Object o : gone) {
      if (!(o instanceof JsonArray a) || a.size() < 2) continue;
      try {
        out.add(new ActorDeath(ActorId.parse(a.getString(0)), a.getString(1)));
      } catch (RuntimeException malformed) {
        // ignored: the client's table lookup finds it dead
      }
    }
    return out;
  }

  public LeaseState lease() {
    return lease;
  }

  public long term() {
    return lease.term();
  }

  /** For tests and the status of this monitor: watched keys. */
  boolean watching(NodeId node, Heartbeat.Component component) {
    return (component == Heartbeat.Component.NODE ? nodes : components).watching(key(node, component));
  }
}
