package io.ember.monitor;

import io.ember.gcs.LedgerEntry;
import io.ember.gcs.NodeRecord;
import io.ember.gcs.NodeState;
import io.ember.ids.NodeId;
import io.ember.node.NodeRuntime;
import io.ember.protocol.Addresses;
import io.ember.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A node's monitor. Every node runs one; exactly one acts at a time: the holder of the fenced
 * Redis lease ({@link io.ember.gcs.MonitorLease#acquire}). Who tries for the lease is deterministic:
 * the live node with the lowest epoch (the oldest) in this monitor's view; a lease lasts half a
 * heartbeat timeout (renewed every interval from the monitor's own thread), so when the leader
 * dies the next oldest takes over within one timeout.
 *
 * <p>The monitor runs on a thread of its own (a one-thread worker pool), so that a flood of tasks
 * on the event loops delays neither its lease renewals nor its checks; node heartbeats travel
 * over UDP on threads of their own ({@link HeartbeatChannel}). The scheduler and the object
 * manager publish their own heartbeats on the event bus from their loops (with load, transfer
 * endpoint and the node's heartbeat port). Every monitor receives every heartbeat
 * into the {@link ClusterView} and two {@link FailureDetector}s: node heartbeats against
 * {@code heartbeat.timeoutMs} (a crash or a hang), component heartbeats against the longer
 * {@code heartbeat.componentTimeoutMs} (a stuck loop in a live JVM). It also listens to Hazelcast membership (a crashed JVM leaves within
 * ~0.4 s; a hung one does not leave, and is caught by the heartbeat timeout). The acting
 * monitor declares a silent or departed node dead in Redis (which fences it: its writes are
 * refused from then on), cleans its object locations and tasks, logs the recovery and publishes
 * the verdict on {@link Addresses#NODE_DEAD}; owners then re-run their lost tasks. Every step
 * is idempotent, so a node declared twice, or a half-done cleanup finished by a new leader,
 * does nothing twice.
 */
public final class MonitorVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(MonitorVerticle.class.getName());
  private static final long CHECK_MS = 50;

  private final NodeRuntime rt;
  private FailureDetector<String> detector;          // node heartbeats: crashes and hangs
  private FailureDetector<String> componentDetector; // scheduler and object manager loops
  private HeartbeatChannel channel;
  private long term; // > 0 while this monitor acts
  private long lastTerm; // the last term this monitor took over in (a renewal is not a takeover)
  private long renewedAt;
  private final Set<NodeId> declaring = new HashSet<>();
  private long checkTimer;
  private long leaseTimer;
  private long tableTimer;

  public MonitorVerticle(NodeRuntime rt) {
    this.rt = rt;
  }

  @Override
  public Future<?> start() {
    detector = new FailureDetector<>(rt.conf.heartbeat().timeoutMs(), CHECK_MS, System::currentTimeMillis);
    componentDetector = new FailureDetector<>(rt.conf.heartbeat().componentTimeoutMs(), CHECK_MS, System::currentTimeMillis);
    var hb = vertx.eventBus().<JsonObject>consumer(Addresses.HEARTBEAT, this::onHeartbeat);
    var status = vertx.eventBus().<Object>consumer(Addresses.STATUS, this::onStatus);
    var dead = vertx.eventBus().<JsonObject>consumer(Addresses.NODE_DEAD, m -> onVerdict(m.body()));
    watchMembership();
    checkTimer = vertx.setPeriodic(CHECK_MS, t -> check());
    leaseTimer = vertx.setPeriodic(rt.conf.heartbeat().intervalMs(), t -> lease());
    tableTimer = vertx.setPeriodic(Math.max(500, rt.conf.heartbeat().timeoutMs() / 2), t -> viewFromTable());
    try {
      channel = new HeartbeatChannel(rt.nodeId, rt.epoch, rt.conf.cluster().host(), rt.conf.heartbeat().intervalMs(), this::onBeat);
    } catch (java.net.SocketException e) {
      return Future.failedFuture(e);
    }
    rt.heartbeatPort = channel.port();
    return Future.all(hb.completion(), status.completion(), dead.completion());
  }

  private void watchMembership() {
    if (!(vertx instanceof VertxInternal vi) || vi.clusterManager() == null) return;
    ClusterManager cm = vi.clusterManager();
    // Ember does not enable Vert.x HA, the only other user of this single listener slot.
    cm.nodeListener(new NodeListener() {
      @Override
      public void nodeAdded(String busNodeId) {}

      @Override
      public void nodeLeft(String busNodeId) {
        // Hazelcast's thread: hop to our context, do nothing here
        context.runOnContext(v -> onMemberLeft(busNodeId));
      }
    });
  }

  private void onMemberLeft(String busNodeId) {
    ClusterView.Peer p = rt.view.byBusNode(busNodeId);
    if (p == null || p.dead || p.id.equals(rt.nodeId)) return;
    p.suspected = true;
    if (term > 0) declareDead(p.id, "left the cluster (Hazelcast membership)");
  }

  /** A node heartbeat arrived over UDP (on the channel's thread: the detector is thread-safe for this). */
  private void onBeat(NodeId node, long epoch) {
    ClusterView.Peer p = rt.view.find(node);
    if (p == null || p.dead || epoch < p.epoch) return;
    p.nodeSeenAt = System.currentTimeMillis();
    detector.heard(Heartbeat.key(node.value(), Heartbeat.NODE));
  }

  private void onHeartbeat(Message<JsonObject> m) {
    JsonObject hb = m.body();
    long now = System.currentTimeMillis();
    String node = hb.getString("node");
    String component = hb.getString("component");
    if (node == null || component == null) return; // unreadable: ignored, never fatal
    try {
      rt.view.onHeartbeat(hb, now);
    } catch (RuntimeException malformed) {
      return;
    }
    ClusterView.Peer p = rt.view.find(new NodeId(node));
    if (p == null || p.dead) return;
    componentDetector.heard(Heartbeat.key(node, component));
    if (p.host != null) channel.addPeer(p.id, p.host, hb.getInteger("heartbeatPort", 0));
    if (rt.nodeId.value().equals(node) && Heartbeat.SCHEDULER.equals(component)) {
      JsonObject load = new JsonObject().put("slots", hb.getValue("slots")).put("busy", hb.getValue("busy"))
          .put("queued", hb.getValue("queued")).put("objects", rt.store.count()).put("memoryBytes", rt.store.memoryBytes());
      rt.writer.heartbeat(now, load.encode());
    }
  }

  private void check() {
    long lateBefore = detector.lateChecks() + componentDetector.lateChecks();
    List<String> silent = new java.util.ArrayList<>(detector.check());
    silent.addAll(componentDetector.check());
    if (detector.lateChecks() + componentDetector.lateChecks() > lateBefore) {
      // our own timer ran late (GC pause, starved machine): the silence may be ours, so nobody is blamed this round
      LOG.warning("monitor of " + rt.nodeId + ": failure check ran late; no peer is suspected this round ("
          + detector.lateChecks() + " late checks so far)");
    }
    for (String key : silent) {
      String node = key.substring(0, key.indexOf('/'));
      ClusterView.Peer p = rt.view.find(new NodeId(node));
      if (p == null || p.dead) {
        detector.forget(key);
        componentDetector.forget(key);
        continue;
      }
      p.suspected = true;
      if (term > 0 && !p.id.equals(rt.nodeId)) {
        long silence = Math.max(detector.silenceMs(key), componentDetector.silenceMs(key));
        declareDead(p.id, "no " + key.substring(key.indexOf('/') + 1) + " heartbeat for " + silence + " ms");
      }
    }
  }

  /** The oldest live node in our view tries for the lease; the holder renews it each interval. */
  private void lease() {
    // half a heartbeat timeout (at least three renewals), so that a takeover completes within one timeout
    long ttl = Math.max(3L * rt.conf.heartbeat().intervalMs(), rt.conf.heartbeat().timeoutMs() / 2);
    if (term > 0 && System.currentTimeMillis() - renewedAt > ttl) {
      // no renewal got through for a whole lease: it may have expired, so stop acting now
      LOG.warning("monitor of " + rt.nodeId + " could not renew its lease for " + ttl + " ms; it stops acting (term " + term + ")");
      term = 0;
    }
    if (term == 0 && !oldestAlive()) return;
    long asked = System.currentTimeMillis();
    rt.gcs.lease().acquire(rt.nodeId, rt.epoch, ttl).onComplete(ar -> {
      if (ar.failed()) return; // Redis slow or away: the check above decides when to give up
      long t = ar.result();
      if (t > 0) {
        renewedAt = Math.max(renewedAt, asked);
        if (t != lastTerm) becomeLeader(t);
        term = t;
        placeUnplacedActors();
      } else if (term > 0) {
        LOG.warning("monitor of " + rt.nodeId + " lost the lease (term " + term + ")");
        term = 0;
      }
    });
  }

  /** Nodes whose event-bus heartbeats this node has not had lately are filled in from the node table. */
  private void viewFromTable() {
    rt.gcs.nodes().all().onSuccess(nodes -> {
      long now = System.currentTimeMillis();
      for (NodeRecord n : nodes) {
        if (!n.id().equals(rt.nodeId)) rt.view.fromTable(n, now, rt.conf.heartbeat().timeoutMs());
      }
    });
  }

  private long placedAt;

  /** Actors whose node died when no live node could host them: try again, about once a second. */
  private void placeUnplacedActors() {
    long now = System.currentTimeMillis();
    if (now - placedAt < 1000) return;
    placedAt = now;
    rt.gcs.deaths().placeUnplacedActors(rt.nodeId, term, now).onSuccess(placed -> {
      if (!placed.isEmpty()) {
        LOG.info("placed " + placed.size() + " actors that were waiting for a node");
        vertx.eventBus().publish(Addresses.ACTORS_PLACED, new JsonObject().put("actors", placed));
      }
    });
  }

  private boolean oldestAlive() {
    long now = System.currentTimeMillis();
    for (ClusterView.Peer p : rt.view.alive()) {
      if (p.id.equals(rt.nodeId)) continue;
      // an older node silent for half a timeout loses precedence (the lease, not this, keeps it safe)
      boolean heard = now - p.nodeSeenAt < rt.conf.heartbeat().timeoutMs() / 2;
      if (heard && p.epoch < rt.epoch) return false;
    }
    return true;
  }

  private void becomeLeader(long newTerm) {
    term = newTerm;
    lastTerm = newTerm;
    long now = System.currentTimeMillis();
    LOG.info("monitor of " + rt.nodeId + " is the acting monitor (term " + term + ")");
    rt.writer.recovery(new LedgerEntry.Leader(rt.nodeId, term, now));
    // Finish what a previous leader left half done, and give every node we have never heard a start-up grace.
    rt.gcs.nodes().all().onSuccess(nodes -> {
      for (NodeRecord n : nodes) {
        if (n.id().equals(rt.nodeId)) continue;
        if (n.state() == NodeState.DEAD) {
          declareDead(n.id(), n.deadReason() == null ? "declared dead earlier" : n.deadReason());
        } else if (!detector.watching(Heartbeat.key(n.id().value(), Heartbeat.NODE))) {
          // never heard: it may still be starting (registered, verticles deploying), so it gets
          // the component timeout to send its first heartbeat; a crash meanwhile is still seen
          // at once through Hazelcast membership
          detector.expectWithin(Heartbeat.key(n.id().value(), Heartbeat.NODE), rt.conf.heartbeat().componentTimeoutMs());
        }
      }
    });
  }

  private void declareDead(NodeId node, String reason) {
    if (!declaring.add(node)) return;
    long now = System.currentTimeMillis();
    rt.gcs.deaths().declareDead(rt.nodeId, term, node, reason, now).onComplete(ar -> {
      declaring.remove(node);
      if (ar.failed()) {
        if (String.valueOf(ar.cause().getMessage()).contains("NOT_LEADER")) term = 0;
        LOG.warning("declaring " + node + " dead failed: " + ar.cause().getMessage());
        return;
      }
      JsonObject res = ar.result();
      if (res.getBoolean("unknown", false)) return;
      JsonArray lost = res.getJsonArray("lost", new JsonArray());
      if (!res.getBoolean("alreadyDead", false)) {
        LOG.warning("node " + node + " declared dead (" + reason + "): " + lost.size() + " tasks lost, "
            + res.getInteger("objectsDropped", 0) + " object copies dropped");
      }
      vertx.eventBus().publish(Addresses.NODE_DEAD, new JsonObject().put("node", node.value()).put("reason", reason)
          .put("at", now).put("lost", lost).put("by", rt.nodeId.value())
          .put("actors", res.getJsonArray("actors", new JsonArray()))
          .put("actorsDead", res.getJsonArray("actorsDead", new JsonArray())));
    });
  }

  private void onVerdict(JsonObject v) {
    NodeId node = new NodeId(v.getString("node"));
    rt.view.markDead(node);
    channel.removePeer(node);
    detector.forget(Heartbeat.key(node.value(), Heartbeat.NODE));
    componentDetector.forget(Heartbeat.key(node.value(), Heartbeat.SCHEDULER));
    componentDetector.forget(Heartbeat.key(node.value(), Heartbeat.OBJECTS));
    if (node.equals(rt.nodeId)) rt.fenced("the acting monitor declared this node dead: " + v.getString("reason"));
  }

  private void onStatus(Message<Object> m) {
    if (m.body() instanceof JsonObject req && req.getBoolean("brief", false)) {
      m.reply(new JsonObject().put("self", rt.nodeId.value()).put("redis", rt.gcs.host() + ":" + rt.gcs.port()));
      return;
    }
    StatusReport.build(rt.gcs, System.currentTimeMillis()).onComplete(ar -> {
      if (ar.succeeded()) m.reply(ar.result().put("self", rt.nodeId.value()));
      else m.fail(ErrorCode.UNAVAILABLE.code, "status: the GCS did not answer: " + ar.cause().getMessage());
    });
  }

  public long term() {
    return term;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(checkTimer);
    vertx.cancelTimer(leaseTimer);
    vertx.cancelTimer(tableTimer);
    if (channel != null) channel.close();
    if (term > 0) return rt.gcs.lease().release(rt.nodeId, term).otherwiseEmpty();
    return Future.succeededFuture();
  }
}
