package io.ember.gcs;

import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The object table ({@code ember:obj:<id>}): reads of an object's row and its locations (its
 * {@code @<node>} fields). Rows and locations are written only by nodes' fenced
 * {@link TableWriter}s (op O, and A for actor outputs); the declare-dead script drops a dead
 * node's locations. It only reads.
 */
public final class ObjectTable {
  private final Store store;

  ObjectTable(Store store) {
    this.store = store;
  }

  /** The object's row with its locations, or null if it was never recorded. */
  public Future<ObjectRecord> get(ObjectId id) {
    return store.send(Request.cmd(Command.HGETALL).arg(Keys.object(id))).map(r -> record(id, Resp.strings(r)));
  }

  private static ObjectRecord record(ObjectId id, Map<String, String> h) {
    if (h.isEmpty()) return null;
    String task = h.get("task");
    return new ObjectRecord(id, Resp.number(h, "size", 0), task == null || task.isEmpty() ? null : TaskId.parse(task),
        h.get("kind"), locations(h.keySet()));
  }

  /** The nodes named by the location fields among an object row's field names. */
  private static Set<NodeId> locations(Iterable<String> fields) {
    Set<NodeId> out = new HashSet<>();
    for (String f : fields) {
      if (f.startsWith(Keys.LOCATION_PREFIX)) out.add(new NodeId(f.substring(Keys.LOCATION_PREFIX.length())));
    }
    return out;
  }
}
