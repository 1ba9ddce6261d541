package io.ember.gcs;

import io.ember.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  /** Fields registration sets itself: a caller cannot give them. */
  private static final Set<String> OWN_FIELDS = Set.of("epoch", "state", "startedAt");

  private final Store store;

  NodeTable(Store store) {
    this.store = store;
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
    return store.timed(store.run(REGISTER, List.of(Keys.EPOCH, Keys.node(id), Keys.NODES), args.toArray()))
        .map(Response::toLong);
  }

  /** Every node ever registered, with all its hash fields. */
  public Future<List<NodeRecord>> all() {
    return store.send(Request.cmd(Command.SMEMBERS).arg(Keys.NODES)).compose(ids -> {
      List<NodeId> list = new ArrayList<>();
      ids.forEach(r -> list.add(new NodeId(r.toString())));
      if (list.isEmpty()) return Future.succeededFuture(List.of());
      List<Request> reqs = list.stream().map(n -> Request.cmd(Command.HGETALL).arg(Keys.node(n))).toList();
      return store.batch(reqs).map(replies -> records(list, replies));
    });
  }

  private static List<NodeRecord> records(List<NodeId> ids, List<Response> replies) {
    List<NodeRecord> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      Map<String, String> f = Resp.strings(replies.get(i));
      if (!f.isEmpty()) {
        out.add(new NodeRecord(ids.get(i), Resp.number(f, "epoch", 0), NodeState.valueOf(f.get("state")), f));
      }
    }
    return out;
  }
}
