package io.ember.monitor;

import io.ember.gcs.CorruptRowException;
import io.ember.gcs.Gcs;
import io.ember.gcs.NodeRecord;
import io.ember.gcs.LedgerEntry;
import io.ember.gcs.TableWriter;
import io.ember.ids.NodeId;
import io.ember.protocol.ActorsPlaced;
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.ember.protocol.Heartbeat;
import io.ember.protocol.NodeDeath;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeListener;
import java.net.SocketException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * A node's monitor: the event-bus face, timers and Redis calls around a {@link Monitor}, which
 * makes every decision. Every node runs one; exactly one acts at a time: the holder of the
 * fenced Redis lease ({@link io.ember.gcs.MonitorLease#acquire}, see {@link LeaseState} for the
 * timing rule). Who tries for the lease is deterministic: the live node with the lowest epoch
 * (the oldest) in this monitor's view; the lease lasts one heartbeat timeout and is renewed
 * every interval, so when the leader dies the next oldest takes over within one timeout.
 *
 * <p>The lease renewals and the failure checks run on threads of their own over a Redis
 * connection of their own ({@link LeaseKeeper}), so that a flood of tasks on the event loops and
 * on the shared Redis connections delays neither; the rest of the monitor runs on a one-thread
 * worker pool; node heartbeats travel
 * over UDP on threads of their own ({@link HeartbeatChannel}). The scheduler and the object
 * manager publish their own {@link Heartbeat}s on the event bus from their loops (with load,
 * transfer endpoint and the node's heartbeat port). Every monitor receives every heartbeat
 * into the {@link ClusterView} and two {@link FailureDetector}s: node heartbeats against
 * {@code heartbeat.timeoutMs} (a crash or a hang), component heartbeats against the longer
 * {@code heartbeat.componentTimeoutMs} (a stuck loop in a live JVM). It also listens to
 * Hazelcast membership (a crashed JVM leaves within ~0.4 s; a hung one does not leave, and is
 * caught by the heartbeat timeout). The acting monitor declares a silent or departed node dead
 * in Redis (which fences it: its writes are refused from then on), cleans its object locations
 * and tasks, logs the recovery and publishes the {@link NodeDeath} on
 * {@link Addresses#NODE_DEAD}; owners then re-run their lost tasks. Every step is idempotent,
 * so a node declared twice, or a half-done cleanup finished by a new leader, does nothing twice.
 *
 * <p>Never: decides here (that is {@link Monitor}), or does anything on Hazelcast's thread but
 * hop to its own context.
 */
public final class MonitorVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(MonitorVerticle.class.getName());

  private final NodeId self;
  private final LongSupplier epoch;
  private final Monitor.Timing timing;
  private final String host;
  private final byte[] heartbeatKey;
  private final ClusterView view;
  private final Gcs gcs;
  private final TableWriter writer;
  private final IntSupplier storedObjects;
  private final LongSupplier storedBytes;
  private final VerdictFanout deaths;
  private final Consumer<String> fence;
  private final IntConsumer heartbeatPort;
  private final Clock clock;
  private volatile Monitor monitor;
  private HeartbeatChannel channel;
  private LeaseKeeper keeper;
  private long tableTimer;

  /**
   * {@code host}: where the UDP heartbeat channel listens, {@code heartbeatKey} what tags its
   * datagrams (derived from the cluster secret); {@code heartbeatPort} is told its port
   * (the object manager announces it); {@code fence} is called once this node is declared dead;
   * {@code storedObjects} and {@code storedBytes} (the local store's count and bytes in memory)
   * go into this node's load row with its scheduler's load.
   */
  public MonitorVerticle(NodeId self, long epoch, Monitor.Timing timing, String host, byte[] heartbeatKey, ClusterView view, Gcs gcs,
      TableWriter writer, IntSupplier storedObjects, LongSupplier storedBytes, VerdictFanout deaths, Consumer<String> fence,
      IntConsumer heartbeatPort, Clock clock) {
    this.self = self;
    this.epoch = writer == null ? () -> epoch : writer::epoch; // a resync gives the writer a new epoch
    this.timing = timing;
    this.host = host;
    this.heartbeatKey = heartbeatKey.clone();
    this.view = view;
    this.gcs = gcs;
    this.writer = writer;
    this.storedObjects = storedObjects;
    this.storedBytes = storedBytes;
    this.deaths = deaths;
    this.fence = fence;
    this.heartbeatPort = heartbeatPort;
    this.clock = clock;
  }

  private boolean majority;

  /** How long a declaration that found a corrupt row waits before it is made again. */
  static final long CORRUPT_RETRY_MS = 10_000;

  /** The last term this node's monitor took the lease in (0 if never): a resync keeps the term counter above it. */
  public long lastTerm() {
    Monitor m = monitor;
    return m == null ? 0 : m.lease().lastTerm();
  }

  /** Monitor rule (7): act only while hearing a majority (set before deployment, for a replicated Redis group). */
  public MonitorVerticle requireMajority(boolean on) {
    this.majority = on;
    return this;
  }

  @Override
  public Future<?> start() {
    monitor = new Monitor(self, epoch, view, timing, clock, new ChannelPeers(), fence).requireMajority(majority);
    try {
      channel = new HeartbeatChannel(self, epoch, host, timing.intervalMs(), heartbeatKey, monitor::onBeat);
    } catch (SocketException e) {
      return Future.failedFuture(e);
    }
    heartbeatPort.accept(channel.port());
    StatusEndpoint status = new StatusEndpoint(self, gcs);
    var hb = vertx.eventBus().consumer(Addresses.HEARTBEAT, Codecs.consumer(Addresses.HEARTBEAT, Heartbeat.class, this::onHeartbeat));
    var st = vertx.eventBus().<Object>consumer(Addresses.STATUS, status::handle);
    deaths.add(context, monitor::onVerdict);
    watchMembership();
    keeper = new LeaseKeeper(self, epoch, monitor, gcs.lease(), () -> gcs.leaseLink(timing.leaseTtlMs()), timing, clock,
        new OnContext());
    keeper.start();
    tableTimer = vertx.setPeriodic(Math.max(500, timing.timeoutMs() / 2), t -> viewFromTable());
    return Future.all(hb.completion(), st.completion());
  }

  /** What the lease keeper's threads hand over: run on this verticle's context. */
  private final class OnContext implements LeaseKeeper.Actions {
    @Override
    public void tookOver(long term) {
      hop(() -> takeOver(term));
    }

    @Override
    public void declare(List<Monitor.Declaration> declarations) {
      hop(() -> MonitorVerticle.this.declare(declarations));
    }

    @Override
    public void placeUnplacedActors() {
      hop(() -> MonitorVerticle.this.placeUnplacedActors());
    }
  }

  /** The UDP channel's peer list, as the monitor sees it (the channel opens after the monitor exists). */
  private final class ChannelPeers implements Monitor.Peers {
    @Override
    public void add(NodeId node, String peerHost, int port) {
      if (channel != null) channel.addPeer(node, peerHost, port);
    }

    @Override
    public void remove(NodeId node) {
      if (channel != null) channel.removePeer(node);
    }
  }

  /**
   * Runs {@code action} on this verticle's context, from another thread (Hazelcast's, the lease
   * keeper's). Once Vert.x is closing its executors refuse work: at a node's shutdown the other
   * members' departures no longer matter here, so that refusal is dropped, not thrown back into
   * Hazelcast (which logged it as a SEVERE stack trace).
   */
  private void hop(Runnable action) {
    try {
      context.runOnContext(v -> action.run());
    } catch (RejectedExecutionException closing) {
      // this node's Vert.x is shutting down
    }
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
        hop(() -> declare(monitor.onMemberLeft(busNodeId)));
      }
    });
  }

  private void onHeartbeat(Heartbeat hb) {
    if (hb == null || !monitor.onHeartbeat(hb) || hb.load() == null) return; // unreadable, or not our own scheduler's
    Heartbeat.Load load = hb.load();
    JsonObject row = new JsonObject().put("slots", load.slots()).put("busy", load.busy()).put("queued", load.queued())
        .put("objects", storedObjects.getAsInt()).put("memoryBytes", storedBytes.getAsLong());
    writer.heartbeat(clock.millis(), row.encode());
  }

  private void takeOver(long term) {
    writer.recovery(new LedgerEntry.Leader(self, term, clock.millis()));
    gcs.nodes().all().onSuccess(nodes -> {
      declare(monitor.onTakeover(nodes));
      declare(monitor.sweep(nodes, liveMembers()));
    });
  }

  /**
   * Nodes whose event-bus heartbeats this node has not had lately are filled in from the node
   * table; the acting monitor also sweeps it for rows nobody is left to declare.
   */
  private void viewFromTable() {
    gcs.nodes().all().onSuccess(nodes -> {
      long now = clock.millis();
      for (NodeRecord n : nodes) {
        if (!n.id().equals(self)) view.fromTable(n, now, timing.timeoutMs());
      }
      declare(monitor.sweep(nodes, liveMembers()));
    });
  }

  /** The Vert.x node ids of the live cluster members (none without a cluster manager). */
  private Set<String> liveMembers() {
    if (!(vertx instanceof VertxInternal vi) || vi.clusterManager() == null) return Set.of();
    return new HashSet<>(vi.clusterManager().getNodes());
  }

  /** Actors whose node died when no live node could host them: try again. */
  private void placeUnplacedActors() {
    gcs.deaths().placeUnplacedActors(self, monitor.term(), clock.millis()).onSuccess(placed -> {
      if (placed.isEmpty()) return;
      LOG.info("placed " + placed.size() + " actors that were waiting for a node");
      vertx.eventBus().publish(Addresses.ACTORS_PLACED, new ActorsPlaced(Monitor.placements(placed)));
    });
  }

  private void declare(List<Monitor.Declaration> declarations) {
    for (Monitor.Declaration d : declarations) declare(d);
  }

  private void declare(Monitor.Declaration d) {
    if (d == null) return;
    long now = clock.millis();
    gcs.deaths().declareDead(self, monitor.term(), d.node(), d.reason(), now).onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof CorruptRowException) {
        // a row it must change cannot be read (ledgered once): asked again later, not at every check
        vertx.setTimer(CORRUPT_RETRY_MS, t -> monitor.declared(d.node(), false));
        return;
      }
      monitor.declared(d.node(), ar.failed() && String.valueOf(ar.cause().getMessage()).contains("NOT_LEADER"));
      if (ar.failed()) {
        LOG.warning("declaring " + d.node() + " dead failed: " + ar.cause().getMessage());
        return;
      }
      NodeDeath verdict = Monitor.verdict(d.node(), d.reason(), now, self, ar.result());
      if (verdict == null) return; // Redis never knew it
      if (!ar.result().getBoolean("alreadyDead", false)) {
        LOG.warning("node " + d.node() + " declared dead (" + d.reason() + "): " + verdict.lost().size() + " tasks lost, "
            + ar.result().getInteger("objectsDropped", 0) + " object copies dropped");
      } else if (!verdict.lost().isEmpty()) {
        // declared once per epoch: this only sweeps what peers recorded onto it after its death
        LOG.info("node " + d.node() + " was already dead: " + verdict.lost().size() + " tasks recorded on it since are lost");
      }
      vertx.eventBus().publish(Addresses.NODE_DEAD, verdict);
    });
  }

  public long term() {
    return monitor == null ? 0 : monitor.term();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tableTimer);
    if (channel != null) channel.close();
    if (keeper == null) return Future.succeededFuture();
    return vertx.executeBlocking(() -> { // stops its threads and releases the lease: blocking, off the loops
      keeper.close();
      return null;
    });
  }
}
