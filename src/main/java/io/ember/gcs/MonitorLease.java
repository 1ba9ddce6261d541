package io.ember.gcs;

import io.ember.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
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
    return store.run(ACQUIRE, List.of(Keys.node(node), Keys.LEADER, Keys.TERM), node.value(), epoch, ttlMs)
        .map(Response::toLong);
  }

  /** {@link #acquire(NodeId, long, long)}, blocking, over the lease thread's own connection. */
  public long acquire(LeaseLink link, NodeId node, long epoch, long ttlMs) throws IOException {
    return link.run(ACQUIRE, List.of(Keys.node(node), Keys.LEADER, Keys.TERM), node.value(), epoch, ttlMs);
  }

  /** {@link #release(NodeId, long)}, blocking, over the lease thread's own connection. */
  public boolean release(LeaseLink link, NodeId node, long term) throws IOException {
    return link.run(RELEASE, List.of(Keys.LEADER), value(node, term)) == 1;
  }

  /** The current lease value and the milliseconds it has left ({@code PTTL}), read over {@code link}; null if none. */
  public Held held(LeaseLink link) throws IOException {
    String value = link.text("GET", Keys.LEADER);
    String ttl = link.text("PTTL", Keys.LEADER);
    return value == null ? null : new Held(value, Long.parseLong(ttl));
  }

  /** A lease as Redis holds it: {@code <node>|<term>} and the milliseconds before it expires. */
  public record Held(String value, long remainingMs) {}

  /** Drops the lease if it is still {@code (node, term)}'s; true if it was. */
  public Future<Boolean> release(NodeId node, long term) {
    return store.run(RELEASE, List.of(Keys.LEADER), value(node, term)).map(r -> r.toLong() == 1);
  }

  /** The current lease value ({@code <node>|<term>}) or null. */
  public Future<String> leader() {
    return store.call(Request.cmd(Command.GET).arg(Keys.LEADER)).map(r -> r == null ? null : r.toString());
  }
}
