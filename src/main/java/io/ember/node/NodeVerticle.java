package io.ember.node;

import io.ember.actor.ActorHost;
import io.ember.actor.ActorJsonDoor;
import io.ember.actor.ActorServices;
import io.ember.actor.ActorVerticle;
import io.ember.actor.CallReplies;
import io.ember.actor.OutputRebuilder;
import io.ember.actor.ZombieGuard;
import io.ember.client.EmberClient;
import io.ember.conf.EmberConf;
import io.ember.gcs.ActorTable;
import io.ember.gcs.Gcs;
import io.ember.gcs.RedisProcess;
import io.ember.ids.NodeId;
import io.ember.monitor.Monitor;
import io.ember.monitor.MonitorVerticle;
import io.ember.object.LiveLocation;
import io.ember.object.Location;
import io.ember.object.ObjectDirectory;
import io.ember.object.ObjectManagerVerticle;
import io.ember.object.ObjectRequests;
import io.ember.object.ObjectStore;
import io.ember.object.TransferClient;
import io.ember.protocol.Codecs;
import io.ember.scheduler.FunctionRegistry;
import io.ember.scheduler.JsonSubmit;
import io.ember.scheduler.Scheduler;
import io.ember.scheduler.SchedulerVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.logging.Logger;

/**
 * A node: starts (or finds) Redis, registers in the node table to get its epoch, then deploys
 * the object manager, the scheduler and the monitor. The launcher's main verticle; its config
 * is the node conf. Start-up is one Future chain; any failure stops the node with the reason.
 */
public final class NodeVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(NodeVerticle.class.getName());

  /** Built-in functions every node registers: the examples and the benchmark's. */
  static final String[] BUILT_IN = {"io.ember.examples.Fns", "io.ember.bench.BenchFns"};
  /** Built-in actor classes: the example's and the benchmark's. */
  static final String[] BUILT_IN_ACTORS = {"io.ember.examples.Counter", "io.ember.bench.BenchActor"};

  private final io.ember.actor.ActorRegistry actorClasses = new io.ember.actor.ActorRegistry();

  private NodeRuntime rt;

  @Override
  public Future<?> start() {
    EmberConf conf = EmberConf.from(System.getProperty("ember.conf.source", "conf"), config());
    FunctionRegistry functions = new FunctionRegistry();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (String c : BUILT_IN) functions.register(c, loader);
    for (String c : conf.functions()) functions.register(c, loader);
    for (String c : BUILT_IN_ACTORS) actorClasses.register(c, loader);
    for (String c : conf.actors().classes()) actorClasses.register(c, loader);
    rt = new NodeRuntime(vertx, conf, NodeId.random(), functions);
    if (vertx instanceof io.vertx.core.internal.VertxInternal vi && vi.clusterManager() != null) {
      rt.busNodeId = vi.clusterManager().getNodeId();
    }
    Codecs.register(vertx.eventBus());
    Clock clock = Clock.systemUTC();
    return redis()
        .compose(endpoint -> Gcs.connect(vertx, endpoint.host(), endpoint.port()))
        .compose(this::register)
        .compose(v -> rt.deaths.listen(vertx.eventBus()))
        .compose(v -> deployObjectManager(clock))
        .compose(v -> EmberClient.forNode(rt))
        .compose(client -> {
          rt.client = client;
          // the monitor gets a thread of its own: floods on the event loops must not delay heartbeats
          Monitor.Timing timing = new Monitor.Timing(rt.conf.heartbeat().intervalMs(), rt.conf.heartbeat().timeoutMs(),
              rt.conf.heartbeat().componentTimeoutMs());
          return vertx.deployVerticle(new MonitorVerticle(rt.nodeId, rt.epoch, timing, rt.conf.cluster().host(), rt.view, rt.gcs,
              rt.writer, rt.store::count, rt.store::memoryBytes, rt.deaths, rt::fenced, port -> rt.heartbeatPort = port,
              Clock.systemUTC()), new io.vertx.core.DeploymentOptions()
              .setThreadingModel(io.vertx.core.ThreadingModel.WORKER).setWorkerPoolName("ember-monitor").setWorkerPoolSize(1));
        })
        .compose(v -> deployActors(clock))
        .compose(v -> vertx.deployVerticle(new SchedulerVerticle(rt.nodeId, rt.epoch, rt.busNodeId, () -> new Scheduler(rt),
            new JsonSubmit(rt.functions, rt.client), () -> rt.actors == null ? 0 : rt.actors.hosted(), conf.heartbeat().intervalMs(), clock)))
        .onSuccess(v -> LOG.info("Ember node " + rt.nodeId + " (epoch " + rt.epoch + ") is up; redis "
            + conf.redis().endpoint() + ", transfers on " + rt.transferHost + ":" + rt.transferPort + ", "
            + functions.all().size() + " functions"));
  }

  /** The object manager; peers fetch from the transfer address it listens on. */
  private Future<String> deployObjectManager(Clock clock) {
    EmberConf conf = rt.conf;
    ObjectRequests requests = new ObjectRequests(rt.nodeId, rt.store, rt.writer, rt.directory, () -> ClientLinks.objectOwner(rt.client),
        conf.scheduler().getTimeoutMs(), conf.objects().inlineLimitBytes(), clock);
    ObjectManagerVerticle objects = new ObjectManagerVerticle(rt.nodeId, rt.epoch, rt.busNodeId, rt.store, requests,
        conf.cluster().host(), conf.objects().transferPort(), conf.heartbeat().intervalMs(), () -> rt.heartbeatPort, clock);
    return vertx.deployVerticle(objects).onSuccess(id -> {
      rt.transferHost = objects.transferHost();
      rt.transferPort = objects.transferPort();
    });
  }

  /** The actor host (after the client: it answers this node's own calls without a hop). */
  private Future<String> deployActors(Clock clock) {
    EmberConf conf = rt.conf;
    EmberClient client = rt.client;
    CallReplies replies = new CallReplies(rt.nodeId, rt.transferHost, rt.transferPort, conf.objects().inlineLimitBytes(),
        conf.scheduler().getTimeoutMs(), rt.store, rt.directory, client.id(), client::deliver, vertx.eventBus(), clock);
    ZombieGuard guard = new ZombieGuard(rt.writer::lastAppliedNanos, rt.writer::probe, rt::isFenced, conf.heartbeat().timeoutMs(), System::nanoTime);
    ActorServices services = new ActorServices(rt.nodeId, rt.writer, rt.store, rt.directory, client::forTask, replies, guard,
        ActorServices.actorThreads(conf.actors().threads()), conf.actors().checkpointsKept(), conf.objects().maxObjectBytes(),
        conf.scheduler().getTimeoutMs(), clock);
    ActorTable table = rt.gcs.actors();
    Gcs gcs = rt.gcs;
    ActorVerticle actors = new ActorVerticle(rt.nodeId,
        context -> new ActorHost(context, services, actorClasses, table, new OutputRebuilder(context, services, actorClasses, table, id -> gcs.objects().get(id), rt.view)),
        new ActorJsonDoor(actorClasses, table, client, client::whenCreated), rt.deaths, Math.max(1000, conf.heartbeat().timeoutMs()),
        conf.scheduler().getTimeoutMs(), clock);
    return vertx.deployVerticle(actors).onSuccess(id -> rt.actors = actors.host());
  }

  record Endpoint(String host, int port) {}

  /** The Redis to use: the configured one, or an embedded redis-server (reusing one already on the port). */
  private Future<Endpoint> redis() {
    EmberConf.Redis r = rt.conf.redis();
    if (!r.embedded()) return Future.succeededFuture(new Endpoint(r.host(), r.port()));
    Future<Boolean> running = r.port() == 0 ? Future.succeededFuture(false) : answers(r.host(), r.port());
    return running.compose(up -> {
      if (up) {
        LOG.info("a Redis already answers on " + r.endpoint() + "; using it as this node's embedded Redis");
        return Future.succeededFuture(new Endpoint(r.host(), r.port()));
      }
      return vertx.executeBlocking(() -> {
        int port = r.port() == 0 ? RedisProcess.freePort() : r.port();
        Path dir = r.dataDir().resolve("redis-" + port);
        rt.embeddedRedis = RedisProcess.start(RedisProcess.binary(r.binary()), r.host(), port, dir);
        LOG.info("started embedded redis-server on " + r.host() + ":" + port + " (data in " + dir + ")");
        return new Endpoint(r.host(), port);
      });
    });
  }

  private Future<Boolean> answers(String host, int port) {
    NetClient nc = vertx.createNetClient(new NetClientOptions().setConnectTimeout(500));
    return nc.connect(port, host).map(s -> {
      s.close();
      return true;
    }).otherwise(false).eventually(nc::close);
  }

  private Future<Void> register(Gcs gcs) {
    rt.gcs = gcs;
    rt.store = new ObjectStore(vertx, rt.conf.objects().capacityBytes(), rt.conf.objects().maxObjectBytes(),
        rt.conf.objects().spillDir() == null ? null : rt.conf.objects().spillDir().resolve(rt.nodeId.value()));
    rt.transfers = new TransferClient(vertx, rt.conf.objects().maxObjectBytes());
    LongFunction<Location> self = size -> new Location(rt.nodeId, rt.transferHost, rt.transferPort, size);
    rt.directory = new ObjectDirectory(rt.nodeId, self, rt.store, rt.transfers, ObjectDirectory.Tables.of(gcs),
        (id, size) -> rt.writer.objectCreated(id, size, id.task(), null, rt.nodeId), // a copy: the row keeps its kind
        new LiveLocation(rt.nodeId, rt.store::contains, self, rt.view), ObjectDirectory.OwnerLookup.deferred(() -> rt.client),
        vertx, Clock.systemUTC());
    JsonObject resources = new JsonObject();
    rt.conf.resources().forEach(resources::put);
    Map<String, String> fields = Map.of("host", rt.conf.cluster().host(), "resources", resources.encode(),
        "name", rt.conf.nodeName() == null ? "" : rt.conf.nodeName(), "busAddress", rt.busNodeId == null ? "" : rt.busNodeId);
    // the lineage bound is cluster-wide: the write script reads it from ember:config
    Future<?> config = gcs.config().setLineageTtlMs(rt.conf.scheduler().lineageTtlSec() * 1000L);
    return config.compose(v -> gcs.nodes().register(rt.nodeId, fields)).map(epoch -> {
      rt.epoch = epoch;
      rt.writer = gcs.writer(rt.nodeId, epoch);
      rt.writer.onFenced(why -> rt.fenced("Redis refused this node's writes: " + why));
      return null;
    });
  }

  public NodeRuntime runtime() {
    return rt;
  }

  @Override
  public Future<?> stop() {
    if (rt == null) return Future.succeededFuture();
    Future<Void> flushed = rt.writer == null ? Future.succeededFuture() : rt.writer.flush().otherwiseEmpty();
    return flushed
        .compose(v -> rt.gcs == null ? Future.succeededFuture() : rt.gcs.close().otherwiseEmpty())
        .compose(v -> rt.store == null ? Future.succeededFuture() : rt.store.close().otherwiseEmpty())
        .compose(v -> rt.embeddedRedis == null ? Future.succeededFuture()
            : vertx.executeBlocking(() -> { // waits for the process: never on an event loop
              rt.embeddedRedis.stop();
              return null;
            }));
  }
}
