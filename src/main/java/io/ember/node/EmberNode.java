package io.ember.node;

import io.ember.client.EmberClient;
import io.ember.conf.ConfException;
import io.ember.conf.EmberConf;
import io.ember.metrics.MetricsSetup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * A node started from Java rather than from the launcher: the example job, the benchmark and
 * in-process drivers use it. Same verticles, same conf, same clustering as {@code java -jar
 * node.jar -cluster -conf ...}.
 */
public final class EmberNode {
  private final Vertx vertx;
  private final NodeVerticle verticle;

  private EmberNode(Vertx vertx, NodeVerticle verticle) {
    this.vertx = vertx;
    this.verticle = verticle;
  }

  public static Future<EmberNode> start(JsonObject conf, String source) {
    EmberConf parsed = EmberConf.from(source, conf);
    System.setProperty("ember.conf.source", source);
    VertxBuilder builder = parsed.metricsOn()
        ? MetricsSetup.withMetrics(HazelcastSetup.vertxBuilder(parsed.cluster(), MetricsSetup.enable(new VertxOptions())))
        : HazelcastSetup.vertxBuilder(parsed.cluster(), new VertxOptions());
    return builder.buildClustered()
        .compose(vertx -> {
          NodeVerticle v = new NodeVerticle();
          return vertx.deployVerticle(v, new DeploymentOptions().setConfig(conf))
              .map(id -> new EmberNode(vertx, v))
              .recover(err -> vertx.close().transform(x -> Future.failedFuture(err)));
        });
  }

  /**
   * A clustered Vert.x in the cluster the conf file names ({@code cluster.name}, members, host),
   * running no Ember node: for a user verticle that drives Ember over the event bus. Fails with
   * the conf's error if the file is not a valid conf.
   */
  public static Future<Vertx> joinCluster(String confFile) {
    try {
      return HazelcastSetup.vertxBuilder(EmberConf.load(Path.of(confFile)).cluster(), new VertxOptions()).buildClustered();
    } catch (ConfException e) {
      return Future.failedFuture(e);
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The node's parts that in-process users may look at (its id, conf, GCS, view of its peers). */
  public NodeAssembly node() {
    return verticle.node();
  }

  /** The node's own client: an in-process driver. */
  public EmberClient client() {
    return verticle.node().client();
  }

  public Future<Void> stop() {
    return vertx.close();
  }
}
