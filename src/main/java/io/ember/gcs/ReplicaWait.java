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
 * flow again. In an Ember Redis group ({@code onceGrown}) the first primary runs alone until
 * other members join: until it holds {@link Keys#GROUP_ACKS} a {@code GET} of that key takes the
 * WAIT's place, and a batch counts on the primary's reply (there is no replica a failover could
 * promote without it); once the key is seen, every batch waits. Writer context only.
 */
final class ReplicaWait {
  /** How long one WAIT blocks the connection at most before it is asked again. */
  static final long WAIT_MS = 1_000;
  private static final Logger LOG = Logger.getLogger(ReplicaWait.class.getName());

  private final NodeId node;
  private final RedisLink link;
  private final int want;
  private boolean waiting;
  private boolean grown;

  ReplicaWait(NodeId node, RedisLink link, int want, boolean onceGrown) {
    this.node = node;
    this.link = link;
    this.want = want;
    this.grown = !onceGrown;
  }

  /**
   * After {@code b} was sent on connection {@code gen}: {@code counts} runs once enough replicas
   * hold it and Redis applied it; nothing runs once {@code wanted} is false (fenced, re-sent,
   * acknowledged). A failed WAIT drops the connection: the batch is not known to count.
   */
  void after(Batch b, int gen, BooleanSupplier wanted, Runnable counts) {
    if (grown) {
      waitFor(b, gen, wanted, counts);
      return;
    }
    // pipelined behind the batch: the key is there now if it was when the batch ran (it is only ever set)
    link.send(Request.cmd(Command.GET).arg(Keys.GROUP_ACKS)).onComplete(ar -> {
      if (!wanted.getAsBoolean() || gen != link.generation()) return;
      if (ar.failed()) {
        link.lost(gen, ar.cause());
        return;
      }
      if (ar.result() != null && !grown) {
        grown = true;
        LOG.info("table writer of node " + node + ": the Redis group has its replicas; writes count once " + want + " hold them");
      }
      if (grown) waitFor(b, gen, wanted, counts);   // an earlier batch already waits: so does this one (in order)
      else if (b.applied) counts.run();
    });
  }

  private void waitFor(Batch b, int gen, BooleanSupplier wanted, Runnable counts) {
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
        waitFor(b, gen, wanted, counts);
        return;
      }
      if (waiting) LOG.info("table writer of node " + node + ": replicas caught up, writes flow again");
      waiting = false;
      counts.run();
    });
  }
}
