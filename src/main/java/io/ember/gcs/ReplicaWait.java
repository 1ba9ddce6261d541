package io.ember.gcs;

import io.ember.ids.NodeId;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * The table writer's replica acknowledgement: a {@code WAIT} pipelined right behind a batch on
 * the writer's own connection (WAIT counts that connection's writes), asked again while too few
 * replicas hold it, never answered early. Says once when writes start waiting and once when they
 * flow again. Writer context only.
 */
final class ReplicaWait {
  /** How long one WAIT blocks the connection at most before it is asked again. */
  static final long WAIT_MS = 1_000;
  private static final Logger LOG = Logger.getLogger(ReplicaWait.class.getName());

  private final NodeId node;
  private final RedisLink link;
  private final int want;
  private boolean waiting;

  ReplicaWait(NodeId node, RedisLink link, int want) {
    this.node = node;
    this.link = link;
    this.want = want;
  }

  /**
   * After {@code b} was sent on connection {@code gen}: {@code counts} runs once enough replicas
   * hold it and Redis applied it; nothing runs once {@code wanted} is false (fenced, re-sent,
   * acknowledged). A failed WAIT drops the connection: the batch is not known to count.
   */
  void after(Batch b, int gen, BooleanSupplier wanted, Runnable counts) {
    link.send(Request.cmd(Command.WAIT).arg(want).arg(WAIT_MS)).onComplete(ar -> {
      if (!wanted.getAsBoolean() || gen != link.generation()) return;
      if (ar.failed()) {
        link.lost(gen, ar.cause());
        return;
      }
      long have = ar.result().toLong();
      if (have < want || !b.applied) {
        if (!waiting) LOG.warning("table writer of node " + node + ": " + have + " of " + want + " replicas acknowledged its writes; they wait");
        waiting = true;
        after(b, gen, wanted, counts);
        return;
      }
      if (waiting) LOG.info("table writer of node " + node + ": replicas caught up, writes flow again");
      waiting = false;
      counts.run();
    });
  }
}
