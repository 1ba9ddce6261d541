package io.ember.gcs;

import io.ember.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The node table ({@code ember:nodes}, {@code ember:node:<id>}): registration of a new
 * incarnation and the reads of every node's row. A node's {@link NodeState} moves as drawn
 * there: registration (here, {@code node-register.lua}) makes it ALIVE at a fresh epoch; only
 * the declare-dead script of {@link NodeDeaths} makes it DEAD; its heartbeat fields are written
 * by the node's own fenced {@link TableWriter}.
 *
 * <p>It never writes a node's {@code epoch} or {@code state} other than through registration.
 */
public final class NodeTable {
  private static final Script REGISTER = Script.load("node-register.lua");
  private static final Script RESYNC = Script.load("node-resync.lua");
  /** Fields registration sets itself: a caller cannot give them. */
  private static final Set<String> OWN_FIELDS = Set.of("epoch", "state", "startedAt");

  private final Store store;
  private final CorruptRows corrupt;

  NodeTable(Store store, CorruptRows corrupt) {
    this.store = store;
    this.corrupt = corrupt;
  }

  /** A new incarnation of {@code id}: a fresh epoch, state ALIVE, the given fields; returns the epoch. */
  public Future<Long> register(NodeId id, Map<String, String> fields) {
    List<Object> args = new ArrayList<>();
    args.add(id.toString());
    args.add(System.currentTimeMillis());
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (OWN_FIELDS.contains(e.getKey())) {
        throw new IllegalArgumentException("node registration sets '" + e.getKey() + "' itself");
      }
      args.add(e.getKey());
      args.add(e.getValue() == null ? "" : e.getValue());
    }
    return store.refusable(() -> store.run(REGISTER, List.of(Keys.EPOCH, Keys.node(id), Keys.NODES), args.toArray()))
        .map(Response::toLong);
  }

  /**
   * Re-registers {@code id} after Redis lost its row: first writes back the deaths this node
   * heard of ({@code knownDead}: node → the epoch it was declared dead at) where Redis has no row
   * or an older one, then gives {@code id} an epoch strictly above {@code knownEpoch} and
   * {@code floorEpoch} (the highest epoch it heard of; the counter is raised to it first: it never
   * goes back), state ALIVE, the given fields; the monitor's term counter is raised to at least
   * {@code knownTerm}. Returns the new epoch, or -1 if Redis says this node is dead (a verdict
   * stands: it must fence).
   */
  public Future<Long> resync(NodeId id, long knownEpoch, long floorEpoch, long knownTerm, Map<NodeId, Long> knownDead,
      Map<String, String> fields) {
    List<Object> args = new ArrayList<>();
    args.add(id.toString());
    args.add(System.currentTimeMillis());
    args.add(knownEpoch);
    args.add(floorEpoch);
    args.add(knownTerm);
    args.add(knownDead.size());
    knownDead.forEach((n, e) -> {
      args.add(n.toString());
      args.add(e);
    });
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (OWN_FIELDS.contains(e.getKey())) {
        throw new IllegalArgumentException("node registration sets '" + e.getKey() + "' itself");
      }
      args.add(e.getKey());
      args.add(e.getValue() == null ? "" : e.getValue());
    }
    return store.refusable(() -> store.run(RESYNC, List.of(Keys.EPOCH, Keys.node(id), Keys.NODES, Keys.TERM), args.toArray()))
        .map(Response::toLong);
  }

  /**
   * Every node ever registered, with all its hash fields. A row that cannot be read (of another
   * Redis type, or with a state or epoch that does not decode) is left out and reported once to
   * {@link CorruptRows}: one bad row never hides the others.
   */
  public Future<List<NodeRecord>> all() {
    return store.send(Request.cmd(Command.SMEMBERS).arg(Keys.NODES)).compose(ids -> {
      List<Future<NodeRecord>> rows = new ArrayList<>();
      ids.forEach(r -> rows.add(row(new NodeId(r.toString()))));
      return Future.all(rows).map(v -> rows.stream().map(Future::result).filter(Objects::nonNull).toList());
    });
  }

  /** One node's row; null if the table has none (or it cannot be read, reported to {@link CorruptRows}). */
  public Future<NodeRecord> get(NodeId id) {
    return row(id);
  }

  private Future<NodeRecord> row(NodeId id) {
    String key = Keys.node(id);
    return store.send(Request.cmd(Command.HGETALL).arg(key)).map(r -> record(id, Resp.strings(r))).recover(err -> {
      if (!CorruptRows.unreadable(err)) return Future.failedFuture(err);
      corrupt.report(key, err);
      return Future.succeededFuture(null);
    });
  }

  private static NodeRecord record(NodeId id, Map<String, String> f) {
    if (f.isEmpty()) return null;
    String state = f.get("state");
    if (state == null) throw new IllegalArgumentException("it has no state");
    return new NodeRecord(id, Long.parseLong(f.getOrDefault("epoch", "0")), NodeState.valueOf(state), f);
  }
}
