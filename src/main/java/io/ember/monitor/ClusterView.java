package io.ember.monitor;

import io.ember.gcs.NodeRecord;
import io.ember.ids.NodeId;
import io.ember.placement.Candidate;
import io.ember.protocol.Heartbeat;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this node knows of the others, from their heartbeats: when each component was last heard
 * from, how busy each scheduler is, and where each node's object transfers are served. Fed by
 * the monitor (and, in a driver that is not a node, by its client), read by placement, the
 * object directory, the actor host and the client. It decides nothing: the monitor decides who
 * is dead, {@code Placement} where work goes.
 *
 * <p>Threading: shared by every thread of the node without locks. The peer map is concurrent;
 * each {@link Peer} field is volatile and written by one thread at a time in practice (the
 * monitor's worker thread for heartbeats, verdicts and table fill-ins; the UDP receiving thread
 * for {@code nodeSeenAt}), while readers on any thread may see a peer's fields from two
 * consecutive reports mixed: every reader treats them as estimates. {@code forwarded} and
 * {@code actors} are also bumped by placing threads between reports. Never blocks.
 */
public final class ClusterView {

  /** One node as last reported. {@code forwarded} counts tasks sent there since its last report. */
  public static final class Peer {
    public final NodeId id;
    public volatile long epoch;
    public volatile String host;
    public volatile int transferPort;
    /** Bytes in its object store (memory and spill) as last reported, plus put copies sent there since. */
    public volatile long storeBytes;
    public volatile Map<String, Double> resources = Map.of();
    public volatile int slots;
    public volatile int busy;
    public volatile int queued;
    /** Actors it hosts (from its scheduler heartbeat; bumped locally on each placement until the next one). */
    public volatile int actors;
    public volatile long schedulerSeenAt;
    public volatile long objectsSeenAt;
    public volatile long nodeSeenAt;
    public volatile boolean dead;
    /** Suspected by this node's own detector; placement avoids it until it is heard from again. */
    public volatile boolean suspected;
    public volatile String busNodeId;
    public final AtomicInteger forwarded = new AtomicInteger();
    /** Until when (epoch ms) this node passes it over: a hand-off to it went unacknowledged. */
    private volatile long unreachableUntil;

    Peer(NodeId id) {
      this.id = id;
    }

    public int estimatedFree() {
      return slots - busy - queued - forwarded.get();
    }

    public boolean feasible(Map<String, Double> demand) {
      for (Map.Entry<String, Double> e : demand.entrySet()) {
        if (e.getValue() > 0 && resources.getOrDefault(e.getKey(), 0.0) < e.getValue()) return false;
      }
      return true;
    }

    /** Placeable: not dead, not suspected, its scheduler was heard from (or filled in from the table), and it took the last hand-off. */
    public boolean alive() {
      return !dead && !suspected && schedulerSeenAt > 0 && (unreachableUntil == 0 || System.currentTimeMillis() >= unreachableUntil);
    }

    /** A hand-off to it went unacknowledged: pass it over for {@code ms} (it may not see this node's messages yet). */
    public void unreachableFor(long ms) {
      unreachableUntil = System.currentTimeMillis() + ms;
    }

    /** This peer as placement sees it now (queued counts the tasks forwarded to it since its last report). */
    public Candidate candidate() {
      return new Candidate(id, slots, busy, queued + forwarded.get(), resources, actors, alive());
    }
  }

  private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();

  public Peer peer(NodeId id) {
    return peers.computeIfAbsent(id, Peer::new);
  }

  public Peer find(NodeId id) {
    return peers.get(id);
  }

  /** Applies one heartbeat (see {@link Heartbeat}); a stale incarnation's or a dead node's changes nothing. */
  public void onHeartbeat(Heartbeat hb, long now) {
    Peer p = peer(hb.node());
    if (hb.epoch() < p.epoch || p.dead) return; // a stale incarnation's heartbeat, or a zombie's
    p.suspected = false;
    if (hb.busNodeId() != null) p.busNodeId = hb.busNodeId();
    p.epoch = hb.epoch();
    switch (hb.component()) {
      case NODE -> p.nodeSeenAt = now;
      case SCHEDULER -> {
        p.schedulerSeenAt = now;
        Heartbeat.Load load = hb.load();
        if (load == null) return;
        p.slots = load.slots();
        p.busy = load.busy();
        p.queued = load.queued();
        p.actors = load.actors();
        p.forwarded.set(0);
        p.resources = load.resources();
      }
      case OBJECTS -> {
        p.objectsSeenAt = now;
        Heartbeat.Store store = hb.store();
        if (store == null) return;
        p.host = store.host();
        p.transferPort = store.transferPort();
        p.storeBytes = store.memoryBytes() + store.diskBytes();
      }
    }
  }

  /**
   * Fills in a node whose event-bus heartbeats have not reached this node lately from its row in
   * the node table (written every heartbeat interval by that node's own writer): a safety net
   * for placement, so that a node is not left out because a heartbeat subscription reached this
   * JVM late. A row whose heartbeat is older than {@code freshMs} changes nothing; a node this
   * view has declared dead stays dead.
   */
  public void fromTable(NodeRecord r, long now, long freshMs) {
    long hb = r.heartbeatAt();
    if (!r.alive() || hb <= 0 || now - hb > freshMs) return;
    Peer p = peer(r.id());
    if (p.dead || r.epoch() < p.epoch || now - p.schedulerSeenAt <= freshMs) return;
    p.epoch = r.epoch();
    try {
      JsonObject load = r.fields().get("load") == null ? new JsonObject() : new JsonObject(r.fields().get("load"));
      p.slots = load.getInteger("slots", 0);
      p.busy = load.getInteger("busy", 0);
      p.queued = load.getInteger("queued", 0);
      Map<String, Double> m = new LinkedHashMap<>();
      JsonObject res = r.fields().get("resources") == null ? new JsonObject() : new JsonObject(r.fields().get("resources"));
      for (String k : res.fieldNames()) m.put(k, res.getNumber(k).doubleValue());
      m.put("node:" + r.id(), 1.0);
      String name = r.fields().get("name");
      if (name != null && !name.isEmpty()) m.put("node:" + name, 1.0);
      p.resources = m;
    } catch (RuntimeException unreadable) {
      return;
    }
    if (p.host == null) p.host = r.host();
    p.forwarded.set(0);
    p.suspected = false;
    p.schedulerSeenAt = now;
  }

  public List<Peer> alive() {
    List<Peer> out = new ArrayList<>();
    for (Peer p : peers.values()) if (p.alive()) out.add(p);
    return out;
  }

  /** An actor was just placed on {@code node}: counted until the node's next heartbeat reports the real number. */
  public void actorPlaced(NodeId node) {
    Peer p = peers.get(node);
    if (p != null) p.actors++;
  }

  /** A snapshot of every peer for {@code Placement} (dead and suspected ones marked not alive). */
  public List<Candidate> candidates() {
    List<Candidate> out = new ArrayList<>(peers.size());
    for (Peer p : peers.values()) out.add(p.candidate());
    return out;
  }

  /** The peer whose Vert.x cluster node id is {@code busNodeId}, if known. */
  public Peer byBusNode(String busNodeId) {
    for (Peer p : peers.values()) if (busNodeId.equals(p.busNodeId)) return p;
    return null;
  }

  public boolean isDead(NodeId id) {
    Peer p = peers.get(id);
    return p != null && p.dead;
  }

  public void markDead(NodeId id) {
    peer(id).dead = true;
  }

  public Map<NodeId, Peer> all() {
    return peers;
  }
}
