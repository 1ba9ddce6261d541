package io.ember.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.PrometheusRequestHandler;

/**
 * Serves {@code GET /metrics} (Prometheus text format) on the node's host and {@code metrics.port};
 * anything else is 404. Scraping formats the registry on the event loop: a few milliseconds for
 * the few hundred series a node has.
 */
public final class MetricsServer {
  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /** Listens on {@code host:port}; the future fails if the port is taken. */
  public static Future<MetricsServer> start(Vertx vertx, String host, int port) {
    var scrape = PrometheusRequestHandler.create(EmberMetrics.registry());
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(req -> {
          if (req.path().equals("/metrics")) scrape.handle(req);
          else req.response().setStatusCode(404).end();
        });
    return server.listen().map(s -> new MetricsServer(s));
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
