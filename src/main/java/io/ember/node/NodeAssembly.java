package io.ember.node;

import io.ember.actor.ActorHost;
import io.ember.actor.ActorJsonDoor;
import io.ember.actor.ActorRegistry;
import io.ember.actor.ActorServices;
import io.ember.actor.ActorVerticle;
import io.ember.actor.CallReplies;
import io.ember.actor.OutputRebuilder;
import io.ember.actor.ZombieGuard;
import io.ember.client.EmberClient;
import io.ember.conf.EmberConf;
import io.ember.gcs.ActorTable;
import io.ember.gcs.Gcs;
import io.ember.gcs.RedisGroup;
import io.ember.gcs.RedisEndpoint;
import io.ember.gcs.RedisProcess;
import io.ember.gcs.Republish;
import io.ember.gcs.TableWriter;
import io.ember.ids.NodeId;
import io.ember.monitor.ClusterView;
import io.ember.monitor.Monitor;
import io.ember.monitor.MonitorVerticle;
import io.ember.monitor.VerdictFanout;
import io.ember.object.LiveLocation;
import io.ember.object.Location;
import io.ember.object.ObjectDirectory;
import io.ember.object.ObjectManagerVerticle;
import io.ember.object.ObjectRequests;
import io.ember.object.PutCopies;
import io.ember.object.ObjectStore;
import io.ember.object.TransferClient;
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.ember.protocol.NodeDeath;
import io.ember.scheduler.FunctionRegistry;
import io.ember.security.ClusterSecurity;
import io.ember.scheduler.JsonSubmit;
import io.ember.scheduler.Scheduler;
import io.ember.scheduler.SchedulerVerticle;
import io.ember.util.Retry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Builds one node, in order, and owns what it built: Redis (found or embedded), the GCS
 * connection, the node's registration (its epoch) and fenced writer, the object store and
 * directory, the object manager, the node's own client, the monitor, the actor host and the
 * scheduler. Each component gets, through its constructor, only what it uses; the few links
 * that exist only once a later step ran (the transfer address, the client, the actor host, the
 * heartbeat port) are held here and handed on as suppliers. Verdicts are decoded once
 * ({@link VerdictFanout}) and fanned out to every listener that registers with it.
 *
 * <p>Start-up is one future chain ({@link #assemble}); stop is another ({@link #close}). Holds
 * no logic of any component, and never hands itself to one.
 */
public final class NodeAssembly {
  private static final Logger LOG = Logger.getLogger(NodeAssembly.class.getName());
  /** The reason a node that stopped cleanly leaves with. */
  public static final String STOPPED = "stopped";

  private final Vertx vertx;
  private final EmberConf conf;
  private final ClusterSecurity security;
  private final String redisPassword;
  private final FunctionRegistry functions;
  private final ActorRegistry actorClasses;
  private final Clock clock;
  private final NodeId nodeId = NodeId.random();
  private final String busNodeId;
  private final ClusterView view = new ClusterView();
  private final VerdictFanout deaths;
  private final Fence fence = new Fence(Fence.EXIT);
  /** Whether this process stood still (a resync must not bring back a node frozen past its verdict). */
  private final StallWatch stalls = StallWatch.start(50);

  // set once each, in start-up order
  private RedisProcess embeddedRedis;
  private GroupSupervisor group;
  private Gcs gcs;
  private long epoch;
  private TableWriter writer;
  private ObjectStore store;
  private TransferClient transfers;
  private ObjectDirectory directory;
  private PutCopies puts;
  private volatile String transferHost;
  private volatile int transferPort;
  private volatile int heartbeatPort;
  private volatile EmberClient client;
  private volatile ActorHost actors;
  private volatile String monitorDeployment;
  private volatile MonitorVerticle monitor;
  private volatile SchedulerVerticle scheduler;
  private Future<Void> closed;

  private NodeAssembly(Vertx vertx, EmberConf conf, FunctionRegistry functions, ActorRegistry actorClasses, Clock clock) {
    this.vertx = vertx;
    this.conf = conf;
    this.functions = functions;
    this.actorClasses = actorClasses;
    this.clock = clock;
    this.security = ClusterSecurity.resolve(conf.cluster()); // read at the JVM's join: cached, no IO here
    this.redisPassword = security.redisPasswordFor(conf.redis());
    // heard only after registration, when gcs is set: each verdict is checked against the node table
    this.deaths = new VerdictFanout(vertx, id -> VerdictFanout.Check.of(gcs.nodes()).recordedDead(id));
    this.busNodeId = vertx instanceof VertxInternal vi && vi.clusterManager() != null ? vi.clusterManager().getNodeId() : null;
  }

  /** Starts a node on {@code vertx}; fails with the reason if any step does (what started is stopped by the caller's close). */
  public static Future<NodeAssembly> assemble(Vertx vertx, EmberConf conf, FunctionRegistry functions, ActorRegistry actorClasses,
      Clock clock) {
    NodeAssembly n = new NodeAssembly(vertx, conf, functions, actorClasses, clock);
    Codecs.register(vertx.eventBus());
    return n.redis()
        .compose(endpoint -> RedisWait.connect(vertx, clock, endpoint, conf.startup().waitMs()))
        .compose(n::register)
        .compose(v -> n.deaths.listen(vertx.eventBus()))
        .compose(v -> n.deployObjectManager())
        .compose(v -> n.startClient())
        .compose(v -> n.deployMonitor())
        .compose(v -> n.deployActors())
        .compose(v -> n.deployScheduler())
        .map(v -> {
          LOG.info("Ember node " + n.nodeId + " (epoch " + n.writer.epoch() + ") is up; redis " + n.gcs.endpoint().describe()
              + ", transfers on " + n.transferHost + ":" + n.transferPort + ", " + functions.all().size() + " functions");
          return n;
        });
  }

  /**
   * The Redis to use: the configured one, or an embedded redis-server that lives and dies with
   * this JVM (an orphan left on the port by an earlier head on the same data is taken over;
   * anything else there is refused: see {@link RedisProcess#startOwned}).
   */
  private Future<RedisEndpoint> redis() {
    EmberConf.Redis r = conf.redis();
    if (r.replicas() > 0) return joinGroup(r);
    if (!r.embedded()) return Future.succeededFuture(RedisEndpoint.of(r).withPassword(redisPassword));
    return vertx.executeBlocking(() -> {
      int port = r.port() == 0 ? RedisProcess.freePort() : r.port();
      Path dir = r.dataDir().resolve("redis-" + port);
      embeddedRedis = RedisProcess.startOwned(RedisProcess.binary(r.binary()), r.host(), port, dir, redisPassword);
      LOG.info("started embedded redis-server on " + r.host() + ":" + port + " (data in " + dir + ")");
      return RedisEndpoint.standalone(r.host(), port).withPassword(redisPassword);
    });
  }

  /**
   * The embedded Redis group ({@code redis.replicas > 0}): this node takes a member of it (the
   * head member 0, the primary's at first) and keeps that member's detached redis-server and
   * sentinel running (see {@link GroupSupervisor}); it reaches Redis through the sentinels.
   */
  private Future<RedisEndpoint> joinGroup(EmberConf.Redis r) {
    return vertx.executeBlocking(() -> new GroupSupervisor(vertx, RedisGroup.of(conf), RedisProcess.binary(r.binary()),
            r.dataDir(), r.embedded(), redisPassword, r.minReplicaAcks()))
        .compose(g -> {
          group = g;
          return g.start();
        })
        .map(v -> RedisEndpoint.sentinel(r.sentinels(), r.masterName()).withPassword(redisPassword));
  }

  /** Registers in the node table (the epoch), and builds the writer, the store and the directory. */
  private Future<Void> register(Gcs connected) {
    gcs = connected.requireReplicaAcks(conf.redis().minReplicaAcks(), conf.redis().replicas() > 0);
    EmberConf.Objects objects = conf.objects();
    store = new ObjectStore(vertx, objects.capacityBytes(), objects.maxObjectBytes(),
        objects.spillDir() == null ? null : objects.spillDir().resolve(nodeId.value()), objects.spillMaxBytes());
    transfers = new TransferClient(vertx, objects.maxObjectBytes(), security.tls().orElse(null));
    directory = new ObjectDirectory(nodeId, this::self, store, transfers, ObjectDirectory.Tables.of(gcs),
        (id, size) -> writer.objectCreated(id, size, id.task(), null, nodeId), // a copy: the row keeps its kind
        new LiveLocation(nodeId, store::contains, this::self, view), ObjectDirectory.OwnerLookup.deferred(() -> client),
        vertx, clock);
    JsonObject resources = new JsonObject();
    conf.resources().forEach(resources::put);
    Map<String, String> fields = Map.of("host", conf.cluster().host(), "resources", resources.encode(),
        "name", conf.nodeName() == null ? "" : conf.nodeName(), "busAddress", busNodeId == null ? "" : busNodeId);
    // the lineage bound is cluster-wide: the write script reads it from ember:config
    return gcs.config().setLineageTtlMs(conf.scheduler().lineageTtlSec() * 1000L)
        .compose(v -> gcs.nodes().register(nodeId, fields))
        .map(e -> {
          epoch = e;
          writer = gcs.writer(nodeId, e);
          writer.onFenced(why -> fence.fence("Redis refused this node's writes: " + why));
          writer.onResync(new NodeResync(nodeId, new ResyncRule(conf.heartbeat().timeoutMs()), stalls, fence::isFenced,
              resyncSources(fields), writer, Retry.backoff(vertx, clock, 50, 1_000), clock)::resync);
          writer.onError(err -> LOG.warning("table writer of " + nodeId + ": " + err.getMessage()));
          return null;
        });
  }

  /** What a resync reads from this node's parts (they all exist by the time Redis can lose anything). */
  private NodeResync.Sources resyncSources(Map<String, String> fields) {
    return new NodeResync.Sources() {
      public Map<NodeId, Long> knownDead() {
        Map<NodeId, Long> dead = new HashMap<>();
        view.all().forEach((id, p) -> {
          if (p.dead) dead.put(id, p.epoch);
        });
        return dead;
      }

      public Future<Long> register(long knownEpoch, Map<NodeId, Long> dead) {
        long floor = view.all().values().stream().mapToLong(p -> p.epoch).max().orElse(0);
        MonitorVerticle m = monitor;
        long term = m == null ? 0 : m.lastTerm();
        return gcs.config().setLineageTtlMs(conf.scheduler().lineageTtlSec() * 1000L)
            .compose(v -> gcs.nodes().resync(nodeId, knownEpoch, floor, term, dead, fields));
      }

      public void fill(Republish r) {
        store.held().forEach(r::object);
        EmberClient c = client;
        if (c != null) c.pendingSpecs().forEach(t -> r.task(t.id(), t.encode().getBytes(), t.job(), t.function(), t.owner()));
      }

      public Future<Void> actors(Republish r) {
        ActorHost a = actors;
        return a == null ? Future.succeededFuture() : a.republish(r, conf.heartbeat().timeoutMs());
      }
    };
  }

  private Location self(long size) {
    return new Location(nodeId, transferHost, transferPort, size);
  }

  /** The object manager; peers fetch from the transfer address it listens on. */
  private Future<Void> deployObjectManager() {
    puts = new PutCopies(nodeId, store, writer, this::self, view, transfers, vertx, conf.objects().inlineLimitBytes(), clock);
    deaths.add(vertx.getOrCreateContext(), verdict -> puts.onNodeDead(verdict.node())); // a survivor copies the puts it held with the dead node
    ObjectRequests requests = new ObjectRequests(nodeId, store, writer, directory, puts, () -> ClientLinks.objectOwner(vertx, client),
        conf.scheduler().getTimeoutMs(), conf.objects().inlineLimitBytes(), clock);
    ObjectManagerVerticle objects = new ObjectManagerVerticle(nodeId, writer::epoch, busNodeId, store, requests,
        conf.cluster().host(), conf.objects().transferPort(), security.tls().orElse(null), conf.heartbeat().intervalMs(),
        () -> heartbeatPort, clock);
    return vertx.deployVerticle(objects).map(id -> {
      transferHost = objects.transferHost();
      transferPort = objects.transferPort();
      return null;
    });
  }

  /** This node's own client: owner of its event-bus submissions and of tasks submitted from tasks. */
  private Future<Void> startClient() {
    EmberClient.Local local = new EmberClient.Local(nodeId, store, directory, puts, fence::isFenced, conf.actors(), () -> actors,
        conf.scheduler().maxInFlight());
    return EmberClient.forNode(vertx, local, conf.scheduler().getTimeoutMs(), transfers, view, gcs, writer::recovery, deaths, clock)
        .map(c -> {
          client = c;
          return null;
        });
  }

  /** The monitor, on a thread of its own: floods on the event loops must not delay heartbeats or the lease. */
  private Future<Void> deployMonitor() {
    EmberConf.Heartbeat hb = conf.heartbeat();
    Monitor.Timing timing = new Monitor.Timing(hb.intervalMs(), hb.timeoutMs(), hb.componentTimeoutMs());
    MonitorVerticle monitor = new MonitorVerticle(nodeId, epoch, timing, conf.cluster().host(), security.heartbeatKey(), view, gcs, writer, store::count,
        store::memoryBytes, deaths, fence::fence, port -> heartbeatPort = port, clock).requireMajority(conf.redis().replicas() > 0);
    return vertx.deployVerticle(monitor, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
        .setWorkerPoolName("ember-monitor").setWorkerPoolSize(1)).map(id -> {
          monitorDeployment = id;
          this.monitor = monitor;
          return null;
        });
  }

  /** The actor host (after the client: it answers this node's own calls without a hop). */
  private Future<Void> deployActors() {
    CallReplies replies = new CallReplies(nodeId, transferHost, transferPort, conf.objects().inlineLimitBytes(),
        conf.scheduler().getTimeoutMs(), store, directory, client.id(), client::deliver, vertx.eventBus(), clock);
    ZombieGuard guard = new ZombieGuard(writer::lastAppliedNanos, writer::probe, fence::isFenced, conf.heartbeat().timeoutMs(),
        System::nanoTime);
    ActorServices services = new ActorServices(nodeId, writer, store, directory, client::forTask, replies, guard,
        ActorServices.actorThreads(conf.actors().threads()), conf.actors().checkpointsKept(), conf.objects().maxObjectBytes(),
        conf.scheduler().getTimeoutMs(), clock);
    ActorTable table = gcs.actors();
    ActorVerticle verticle = new ActorVerticle(nodeId,
        context -> new ActorHost(context, services, actorClasses, table,
            new OutputRebuilder(context, services, actorClasses, table, id -> gcs.objects().get(id), view)),
        new ActorJsonDoor(actorClasses, table, client, client::whenCreated, client.admin()), deaths, Math.max(1000, conf.heartbeat().timeoutMs()),
        conf.scheduler().getTimeoutMs(), clock, writer::saturated);
    return vertx.deployVerticle(verticle).map(id -> {
      actors = verticle.host();
      return null;
    });
  }

  private Future<Void> deployScheduler() {
    EmberClient c = client;
    scheduler = new SchedulerVerticle(nodeId, writer::epoch, busNodeId,
        () -> new Scheduler(vertx, nodeId, conf, functions, writer, store, directory, view, c::forTask, transferHost, transferPort),
        new JsonSubmit(functions, c, c::cancel), () -> actors == null ? 0 : actors.hosted(), conf.heartbeat().intervalMs(), clock);
    return vertx.deployVerticle(scheduler).mapEmpty();
  }

  /**
   * A clean stop (SIGTERM): this node takes no more work and hands on the tasks it has not
   * started, its running tasks have {@code graceMs} to finish, its actors stop and checkpoint,
   * and it leaves in one script (LEFT, reason {@value #STOPPED}: its remaining tasks LOST and its
   * actors placed elsewhere at once, with no detection delay). The verdict is published so that
   * owners re-run the lost tasks now, the monitor stops (giving up the lease if it held it), and
   * everything is closed.
   * Its own writes are refused from the leave on: that fences it on purpose, so the fence only
   * logs from here.
   */
  public Future<Void> leave(long graceMs) {
    if (scheduler == null || monitorDeployment == null) return close();
    long deadline = clock.millis() + graceMs;
    return scheduler.leave(deadline)
        .compose(v -> actors == null ? Future.<Void>succeededFuture() : actors.leave())
        .compose(v -> writer.flush()) // everything this node wrote lands before its LEFT
        .compose(v -> {
          fence.onFenced(why -> LOG.fine("node " + nodeId + " left; its writes are refused from now on"));
          return gcs.deaths().leave(nodeId, writer.epoch(), STOPPED, clock.millis());
        })
        .map(answer -> {
          NodeDeath verdict = Monitor.verdict(nodeId, STOPPED, clock.millis(), nodeId, answer);
          vertx.eventBus().publish(Addresses.NODE_DEAD, verdict);
          LOG.info("node " + nodeId + " left (" + STOPPED + "): " + verdict.lost().size() + " tasks handed back, "
              + verdict.placements().size() + " actors moved");
          return null;
        })
        .compose(v -> vertx.undeploy(monitorDeployment).otherwiseEmpty()) // its stop gives the lease up; no more heartbeat writes
        .eventually(this::close);
  }

  /**
   * Flushes the writer, then closes the GCS, the store and an embedded Redis; each step runs even
   * if one before failed. Once only: a second call (a stop after a leave) gets the first's outcome.
   */
  public synchronized Future<Void> close() {
    if (closed == null) closed = closeOnce();
    return closed;
  }

  /** How long closing waits for the writer's queued writes to count before it closes anyway. */
  private static final long CLOSE_FLUSH_MS = 5_000;

  private Future<Void> closeOnce() {
    stalls.close();
    if (group != null) group.close(); // its processes stay: the group outlives this node
    // bounded: with redis.minReplicaAcks and no replica answering (or no Redis), a flush would wait for ever
    Future<Void> flushed = writer == null ? Future.succeededFuture()
        : writer.flush().timeout(CLOSE_FLUSH_MS, TimeUnit.MILLISECONDS).otherwiseEmpty();
    return flushed
        .compose(v -> gcs == null ? Future.succeededFuture() : gcs.close().otherwiseEmpty())
        .compose(v -> store == null ? Future.succeededFuture() : store.close().otherwiseEmpty())
        .compose(v -> embeddedRedis == null ? Future.<Void>succeededFuture()
            : vertx.executeBlocking(() -> { // waits for the process: never on an event loop
              embeddedRedis.stop();
              return null;
            }));
  }

  // ---- what in-process users of a node (the example job, the benchmark, tests) may see ----

  public NodeId nodeId() {
    return nodeId;
  }

  public EmberConf conf() {
    return conf;
  }

  public EmberClient client() {
    return client;
  }

  public Gcs gcs() {
    return gcs;
  }

  public ClusterView view() {
    return view;
  }

  /** What happens once this node is fenced (by default the process exits with code 3). */
  public void onFenced(Consumer<String> action) {
    fence.onFenced(action);
  }
}
