package io.ember.node;

import io.ember.client.EmberClient;
import io.ember.conf.EmberConf;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

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
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(parsed.cluster().host()).setPort(parsed.cluster().busPort());
    return Vertx.builder().with(options).withClusterManager(HazelcastSetup.clusterManager(parsed.cluster()))
        .buildClustered()
        .compose(vertx -> {
          NodeVerticle v = new NodeVerticle();
          return vertx.deployVerticle(v, new DeploymentOptions().setConfig(conf))
              .map(id -> new EmberNode(vertx, v))
              .recover(err -> vertx.close().transform(x -> Future.failedFuture(err)));
        });
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
