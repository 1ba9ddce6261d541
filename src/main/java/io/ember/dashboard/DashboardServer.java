package io.ember.dashboard;

import io.ember.gcs.Gcs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.logging.Logger;

/**
 * Serves the dashboard on {@code cluster.host} at {@code dashboard.port}: the page (plain HTML, CSS
 * and JS from the class path, {@value #WEB_ROOT}) and {@code GET /api/cluster}, the
 * {@link ClusterSnapshot} it polls, all behind {@link DashboardAuth}.
 *
 * <p>The port rule: every node's dashboard shows the whole cluster (it reads Redis), so one per
 * host is enough. A node whose port is taken (another node on this host sharing its conf, like
 * the shipped {@code conf/worker.json}, got it first) logs that in one line, serves none, and
 * tries the port again every {@value #RETRY_MS} ms: when the node that held it stops or dies,
 * another node on the host takes it over. It never fails the node's start and never takes
 * another port (the address stays the one the conf and {@code dashboard} command name).
 * Everything runs on the node's event loop; reads of Redis are futures.
 */
public final class DashboardServer {
  private static final Logger LOG = Logger.getLogger(DashboardServer.class.getName());
  /** Where the page's files are on the class path. */
  static final String WEB_ROOT = "io/ember/dashboard/web";
  /** How often a node whose port was taken tries it again. */
  public static final long RETRY_MS = 5_000;

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final Router router;
  private volatile HttpServer server;
  private volatile long retry = -1;
  private volatile boolean closed;

  private DashboardServer(Vertx vertx, String host, int port, Gcs gcs, String token) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.router = router(vertx, gcs, token);
  }

  /** Listens on {@code host:port}, or (port taken) logs so and keeps trying; the future always succeeds. */
  public static Future<DashboardServer> start(Vertx vertx, String host, int port, Gcs gcs, String token) {
    DashboardServer d = new DashboardServer(vertx, host, port, gcs, token);
    return d.listen().recover(err -> {
      LOG.info("dashboard: " + d.address() + " is taken (" + err.getMessage() + "; another node on this host serves the"
          + " dashboard, which shows the whole cluster): this node serves none, and tries again every " + RETRY_MS / 1000 + " s");
      d.retry = vertx.setPeriodic(RETRY_MS, id -> d.listen().onSuccess(v -> vertx.cancelTimer(id)));
      return Future.succeededFuture();
    }).map(d);
  }

  private Future<Void> listen() {
    if (closed || server != null) return Future.succeededFuture();
    HttpServer s = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(router);
    return s.listen().compose(ok -> {
      if (closed) return s.close(); // stopped while it was binding
      server = s;
      LOG.info("dashboard at " + address() + "/ (the address with its token: java -jar node.jar dashboard -conf <this conf>)");
      return Future.succeededFuture();
    });
  }

  private static Router router(Vertx vertx, Gcs gcs, String token) {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
          .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    });
    r.route().handler(new DashboardAuth(token));
    r.get("/api/cluster").handler(ctx -> ClusterSnapshot.read(gcs)
        .onSuccess(doc -> json(ctx, 200, doc))
        .onFailure(err -> json(ctx, 503, new JsonObject().put("error", "the cluster state could not be read from Redis: " + err.getMessage()))));
    r.route().handler(StaticHandler.create(WEB_ROOT).setCachingEnabled(false).setIndexPage("index.html"));
    return r;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) return;
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
  }

  /** {@code http://host:port}. */
  public String address() {
    return address(host, port);
  }

  /** {@code http://host:port} (an IPv6 host in brackets). */
  public static String address(String host, int port) {
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The address that opens the dashboard: {@code http://host:port/?token=...}. */
  public static String url(String host, int port, String token) {
    return address(host, port) + "/?token=" + token;
  }

  /** True while this node serves the dashboard (false while its port is taken). */
  public boolean serving() {
    return server != null;
  }

  public Future<Void> close() {
    closed = true;
    if (retry >= 0) vertx.cancelTimer(retry);
    HttpServer s = server;
    server = null;
    return s == null ? Future.succeededFuture() : s.close();
  }
}
