package io.ember.gcs;

import io.ember.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * The monitor lease ({@link Keys#LEADER} = {@code <node>|<term>}, with a TTL; {@link Keys#TERM}
 * counts terms): which node acts as the cluster's monitor. Only a node that is ALIVE at its
 * current epoch can take it ({@code monitor-acquire.lua}); the leader's scripts
 * ({@link NodeDeaths}) check that the lease value is still theirs, so a deposed or frozen
 * leader's late actions are refused (fenced by term).
 *
 * <p>It never takes the lease for a node that is not ALIVE at the epoch it names.
 */
public final class MonitorLease {
  private static final Script ACQUIRE = Script.load("monitor-acquire.lua");
  private static final Script RELEASE = Script.load("monitor-release.lua");

  private final Store store;

  MonitorLease(Store store) {
    this.store = store;
  }

  /** The lease value a leader's scripts are fenced by. */
  static String value(NodeId leader, long term) {
    return leader.value() + "|" + term;
  }

  /** Takes or renews the lease; returns the term (> 0) if this node leads, 0 if another does, -1 if fenced. */
  public Future<Long> acquire(NodeId node, long epoch, long ttlMs) {
    return acquire(store::run, node, epoch, ttlMs);
  }

  /** {@link #acquire(NodeId, long, long)} over the lease's own connection (see {@link Gcs#leaseLink}). */
  public Future<Long> acquire(DedicatedLink link, NodeId node, long epoch, long ttlMs) {
    return acquire(link::run, node, epoch, ttlMs);
  }

  /** Drops the lease if it is still {@code (node, term)}'s; true if it was. */
  public Future<Boolean> release(NodeId node, long term) {
    return release(store::run, node, term);
  }

  /** {@link #release(NodeId, long)} over the lease's own connection. */
  public Future<Boolean> release(DedicatedLink link, NodeId node, long term) {
    return release(link::run, node, term);
  }

  /** The current lease value and the milliseconds it has left ({@code PTTL}), read over {@code link}; null if none. */
  public Future<Held> held(DedicatedLink link) {
    Future<Response> value = link.send(Request.cmd(Command.GET).arg(Keys.LEADER));
    Future<Response> ttl = link.send(Request.cmd(Command.PTTL).arg(Keys.LEADER));
    return Future.all(value, ttl).map(both -> value.result() == null ? null
        : new Held(value.result().toString(), ttl.result().toLong()));
  }

  /** A lease as Redis holds it: {@code <node>|<term>} and the milliseconds before it expires. */
  public record Held(String value, long remainingMs) {}

  private static Future<Long> acquire(Runner runner, NodeId node, long epoch, long ttlMs) {
    return runner.run(ACQUIRE, List.of(Keys.node(node), Keys.LEADER, Keys.TERM), node.value(), epoch, ttlMs)
        .map(Response::toLong);
  }

  private static Future<Boolean> release(Runner runner, NodeId node, long term) {
    return runner.run(RELEASE, List.of(Keys.LEADER), value(node, term)).map(r -> r.toLong() == 1);
  }

  /** Where a script runs: the pooled client or the lease's own connection. */
  @FunctionalInterface
  private interface Runner {
    Future<Response> run(Script script, List<String> keys, Object... args);
  }

  /** The current lease value ({@code <node>|<term>}) or null. */
  public Future<String> leader() {
    return store.call(Request.cmd(Command.GET).arg(Keys.LEADER)).map(r -> r == null ? null : r.toString());
  }
}
