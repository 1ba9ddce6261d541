package io.ember.node;

import io.ember.client.EmberClient;
import io.ember.conf.EmberConf;
import io.ember.gcs.Gcs;
import io.ember.gcs.RedisProcess;
import io.ember.ids.NodeId;
import io.ember.monitor.Monitor;
import io.ember.monitor.MonitorVerticle;
import io.ember.object.ObjectDirectory;
import io.ember.object.ObjectManagerVerticle;
import io.ember.object.ObjectStore;
import io.ember.object.TransferClient;
import io.ember.protocol.Codecs;
import io.ember.scheduler.FunctionRegistry;
import io.ember.scheduler.SchedulerVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
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
    return redis()
        .compose(endpoint -> Gcs.connect(vertx, endpoint.host(), endpoint.port()))
        .compose(this::register)
        .compose(v -> rt.deaths.listen(vertx.eventBus()))
        .compose(v -> vertx.deployVerticle(new ObjectManagerVerticle(rt)))
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
        .compose(v -> vertx.deployVerticle(new io.ember.actor.ActorVerticle(rt, actorClasses)))
        .compose(v -> vertx.deployVerticle(new SchedulerVerticle(rt)))
        .onSuccess(v -> LOG.info("Ember node " + rt.nodeId + " (epoch " + rt.epoch + ") is up; redis "
            + conf.redis().endpoint() + ", transfers on " + rt.transferHost + ":" + rt.transferPort + ", "
            + functions.all().size() + " functions"));
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
    rt.directory = new ObjectDirectory(rt);
    JsonObject resources = new JsonObject();
    rt.conf.resources().forEach(resources::put);
    Map<String, String> fields = Map.of("host", rt.conf.cluster().host(), "resources", resources.encode(),
        "name", rt.conf.nodeName() == null ? "" : rt.conf.nodeName(), "busAddress", rt.busNodeId == null ? "" : rt.busNodeId);
    // the lineage bound is cluster-wide: the write script reads it from ember:config
    Future<?> config = gcs.client().send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HSET)
        .arg(io.ember.gcs.Keys.PREFIX + "config").arg("lineageTtlMs").arg(rt.conf.scheduler().lineageTtlSec() * 1000L));
    return config.compose(v -> gcs.registerNode(rt.nodeId, fields)).map(epoch -> {
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
