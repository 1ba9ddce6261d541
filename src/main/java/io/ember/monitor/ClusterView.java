package io.ember.monitor;

import io.ember.ids.NodeId;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node knows of the others, from their heartbeats: when each component was last heard
 * from, how busy each scheduler is, and where each node's object transfers are served. Fed by
 * the monitor, read by placement and the object directory. Thread-safe.
 */
public final class ClusterView {

  /** One node as last reported. {@code forwarded} counts tasks sent there since its last report. */
  public static final class Peer {
    public final NodeId id;
    public volatile long epoch;
    public volatile String host;
    public volatile int transferPort;
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
    public final java.util.concurrent.atomic.AtomicInteger forwarded = new java.util.concurrent.atomic.AtomicInteger();

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
  }

  private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();

  public Peer peer(NodeId id) {
    return peers.computeIfAbsent(id, Peer::new);
  }

  public Peer find(NodeId id) {
    return peers.get(id);
  }

  /** Applies one heartbeat (see {@link Heartbeat}). */
  public void onHeartbeat(JsonObject hb, long now) {
    Peer p = peer(new NodeId(hb.getString("node")));
    long epoch = hb.getLong("epoch", 0L);
    if (epoch < p.epoch || p.dead) return; // a stale incarnation's heartbeat, or a zombie's
    p.suspected = false;
    if (hb.getString("busNodeId") != null) p.busNodeId = hb.getString("busNodeId");
    p.epoch = epoch;
    String component = hb.getString("component");
    if (Heartbeat.NODE.equals(component)) {
      p.nodeSeenAt = now;
    } else if (Heartbeat.SCHEDULER.equals(component)) {
      p.schedulerSeenAt = now;
      p.slots = hb.getInteger("slots", 0);
      p.busy = hb.getInteger("busy", 0);
      p.queued = hb.getInteger("queued", 0);
      p.actors = hb.getInteger("actors", 0);
      p.forwarded.set(0);
      JsonObject res = hb.getJsonObject("resources");
      if (res != null) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (String k : res.fieldNames()) m.put(k, res.getNumber(k).doubleValue());
        p.resources = m;
      }
    } else {
      p.objectsSeenAt = now;
      p.host = hb.getString("host");
      p.transferPort = hb.getInteger("transferPort", 0);
    }
  }

  /**
   * Fills in a node whose event-bus heartbeats have not reached this node lately from its row in
   * the node table (written every heartbeat interval by that node's own writer): a safety net
   * for placement, so that a node is not left out because a heartbeat subscription reached this
   * JVM late. A row whose heartbeat is older than {@code freshMs} changes nothing; a node this
   * view has declared dead stays dead.
   */
  public void fromTable(io.ember.gcs.NodeRecord r, long now, long freshMs) {
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
      Map<String, Double> m = new java.util.LinkedHashMap<>();
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
    for (Peer p : peers.values()) if (!p.dead && !p.suspected && p.schedulerSeenAt > 0) out.add(p);
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
