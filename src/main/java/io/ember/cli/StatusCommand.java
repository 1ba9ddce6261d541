package io.ember.cli;

import io.ember.conf.ConfException;
import io.ember.conf.EmberConf;
import io.ember.monitor.StatusReport;
import io.ember.gcs.RedisEndpoint;
import io.ember.security.ClusterSecurity;
import io.ember.node.RedisWait;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * {@code status [-conf file] [--json] [--recoveries N]}: reads the cluster's state straight from
 * Redis (the address in the conf), so it answers in well under a second without joining the
 * cluster. {@code --recoveries N} shows the newest N entries of each ledger list (default
 * {@value StatusReport#DEFAULT_RECOVERIES}).
 */
final class StatusCommand {
  private StatusCommand() {}

  static int run(String[] args) {
    EmberConf conf = Main.confFrom(args);
    boolean json = Arrays.asList(args).contains("--json");
    int recoveries = recoveries(args);
    EmberConf.Redis r = conf.redis();
    if (r.sentinels().isEmpty() && r.port() == 0) {
      System.err.println("ember status: " + conf.source() + " names no Redis port (an embedded Redis on a free port);"
          + " give the conf of a node whose Redis has a fixed port, e.g. -conf conf/worker.json");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      // pasted right after the nodes are started, the head's Redis may not answer yet: wait for it as a node does
      long waitMs = conf.startup().waitMs();
      RedisEndpoint endpoint = RedisEndpoint.of(r).withPassword(ClusterSecurity.resolve(conf.cluster()).redisPasswordFor(r));
      JsonObject s = RedisWait.connect(vertx, Clock.systemUTC(), endpoint, waitMs)
          .compose(gcs -> StatusReport.build(gcs, recoveries).eventually(gcs::close))
          .toCompletionStage().toCompletableFuture().get(waitMs + 10_000, TimeUnit.MILLISECONDS);
      System.out.print(json ? s.encodePrettily() + "\n" : StatusReport.render(s));
      return 0;
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      System.err.println("ember status: cannot read the cluster state from Redis at " + r.endpoint() + ": " + c.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }

  /** The value of {@code --recoveries}: absent = the default; otherwise an integer >= 0, or a {@link ConfException}. */
  static int recoveries(String[] args) {
    int at = Arrays.asList(args).indexOf("--recoveries");
    if (at < 0) return StatusReport.DEFAULT_RECOVERIES;
    String v = at + 1 < args.length ? args[at + 1] : "";
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) return n;
    } catch (NumberFormatException e) {
      // reported below, with what was given
    }
    throw new ConfException("status: --recoveries takes an integer >= 0 (entries of each ledger list), got '" + v + "'");
  }
}
