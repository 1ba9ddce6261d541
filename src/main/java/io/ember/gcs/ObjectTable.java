package io.ember.gcs;

import io.ember.api.ObjectLostException;
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
  private final CorruptRows corrupt;

  ObjectTable(Store store, CorruptRows corrupt) {
    this.store = store;
    this.corrupt = corrupt;
  }

  /**
   * The object's row with its locations, or null if it was never recorded. A row that cannot be
   * read (of another Redis type, or with fields that do not decode) fails with
   * {@link ObjectLostException}: that object is lost, and reported once to {@link CorruptRows}.
   */
  public Future<ObjectRecord> get(ObjectId id) {
    String key = Keys.object(id);
    return store.send(Request.cmd(Command.HGETALL).arg(key)).map(r -> record(id, Resp.strings(r))).recover(err ->
        Future.failedFuture(CorruptRows.unreadable(err) ? new ObjectLostException(id.toString(), corrupt.report(key, err)) : err));
  }

  private static ObjectRecord record(ObjectId id, Map<String, String> h) {
    if (h.isEmpty()) return null;
    String task = h.get("task");
    String size = h.get("size");
    return new ObjectRecord(id, size == null || size.isEmpty() ? 0 : Long.parseLong(size), task == null || task.isEmpty() ? null : TaskId.parse(task),
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
