package io.ember.node;

import io.ember.actor.ActorRegistry;
import io.ember.conf.EmberConf;
import io.ember.dashboard.DashboardServer;
import io.ember.metrics.MetricsServer;
import io.ember.scheduler.FunctionRegistry;
import io.ember.security.ClusterSecurity;
import io.ember.serial.DecodePolicy;
import io.ember.serial.Values;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A node, as the launcher deploys it: reads and validates the conf (its config), registers the
 * built-in and configured functions and actor classes, and has a {@link NodeAssembly} start
 * every component. Any failure stops the node with the reason; stop closes what was started.
 */
public final class NodeVerticle extends VerticleBase {
  /** Built-in functions every node registers: the examples and the benchmark's. */
  static final String[] BUILT_IN = {"io.ember.examples.Fns", "io.ember.bench.BenchFns"};
  /** Built-in actor classes: the example's and the benchmark's. */
  static final String[] BUILT_IN_ACTORS = {"io.ember.examples.Counter", "io.ember.bench.BenchActor"};

  private volatile NodeAssembly node;
  private volatile MetricsServer metrics;
  private volatile DashboardServer dashboard;

  @Override
  public Future<?> start() {
    EmberConf conf = EmberConf.from(System.getProperty("ember.conf.source", "conf"), config());
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    FunctionRegistry functions = new FunctionRegistry();
    for (String c : BUILT_IN) functions.register(c, loader);
    for (String c : conf.functions()) functions.register(c, loader);
    ActorRegistry actorClasses = new ActorRegistry();
    for (String c : BUILT_IN_ACTORS) actorClasses.register(c, loader);
    for (String c : conf.actors().classes()) actorClasses.register(c, loader);
    Values.policy(decodePolicy(conf));
    return NodeAssembly.assemble(vertx, conf, functions, actorClasses, Clock.systemUTC()).onSuccess(n -> node = n)
        .compose(n -> conf.metricsOn() ? MetricsServer.start(vertx, conf.cluster().host(), conf.metricsPort()) : Future.succeededFuture(null))
        .onSuccess(m -> metrics = m)
        .compose(m -> conf.dashboardOn() ? DashboardServer.start(vertx, conf.cluster().host(), conf.dashboardPort(), node.gcs(),
            ClusterSecurity.resolve(conf.cluster()).dashboardToken()) : Future.succeededFuture(null))
        .onSuccess(d -> dashboard = d);
  }

  /** What values this node decodes: JDK types, the packages of every function and actor class it hosts, and serial.allow. */
  static DecodePolicy decodePolicy(EmberConf conf) {
    List<String> classes = new ArrayList<>(List.of(BUILT_IN));
    classes.addAll(List.of(BUILT_IN_ACTORS));
    classes.addAll(conf.functions());
    classes.addAll(conf.actors().classes());
    return DecodePolicy.defaults().withMaxDepth(conf.serial().maxDepth()).allowingPackagesOf(classes).allowing(conf.serial().allow());
  }

  /** The started node (null before start completes). */
  public NodeAssembly node() {
    return node;
  }

  @Override
  public Future<?> stop() {
    Future<Void> served = metrics == null ? Future.succeededFuture() : metrics.close();
    Future<Void> shown = dashboard == null ? Future.succeededFuture() : dashboard.close();
    return Future.join(served, shown).eventually(() -> node == null ? Future.succeededFuture() : node.close());
  }
}
