package io.ember.object;

import io.ember.api.EmberException;
import io.ember.gcs.ObjectRecord;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.monitor.ClusterView;
import io.ember.node.NodeRuntime;
import io.ember.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/**
 * Finds where an object lives and brings a copy here. Looks, in order: in the local store; at
 * the owner of its creating task when that owner is in this JVM; in the object table; then asks
 * the owner recorded in the task table to answer once the task finishes. Polls with backoff when
 * nothing is known yet (the creating task's record may still be in flight), until the deadline.
 */
public final class ObjectDirectory {
  private final NodeRuntime rt;

  public ObjectDirectory(NodeRuntime rt) {
    this.rt = rt;
  }

  public Location self(long size) {
    return new Location(rt.nodeId, rt.transferHost, rt.transferPort, size);
  }

  public Future<Location> locate(ObjectId id, long deadline) {
    if (rt.store.contains(id)) return Future.succeededFuture(self(rt.store.sizeOf(id)));
    Future<Location> owned = rt.client.ownedLocation(id);
    if (owned != null) return owned;
    return fromTables(id, deadline, 2);
  }

  private Future<Location> fromTables(ObjectId id, long deadline, long backoffMs) {
    return rt.gcs.objects().get(id).compose(rec -> {
      Location l = alive(rec);
      if (l != null) return Future.succeededFuture(l);
      return rt.gcs.tasks().get(id.task()).compose(task -> {
        if (task == null && rec == null) {
          return Future.failedFuture(new EmberException(ErrorCode.UNKNOWN_OBJECT, "object " + id + " is not known to the cluster"));
        }
        String why = "object " + id + " needed at node " + rt.nodeId + " has no live copy";
        return rt.client.recover(id.task(), null, why, deadline);
      });
    }).recover(err -> {
      if (err instanceof EmberException e && e.code() == ErrorCode.UNKNOWN_OBJECT && System.currentTimeMillis() + backoffMs < deadline) {
        // the creating task's record may still be in flight: look again shortly
        Promise<Location> p = Promise.promise();
        rt.vertx.setTimer(backoffMs, t -> fromTables(id, deadline, Math.min(backoffMs * 2, 200)).onComplete(p));
        return p.future();
      }
      return Future.failedFuture(err);
    });
  }

  private Location alive(ObjectRecord rec) {
    if (rec == null) return null;
    for (NodeId n : rec.locations()) {
      if (n.equals(rt.nodeId) && rt.store.contains(rec.id())) return self(rec.size());
      ClusterView.Peer p = rt.view.find(n);
      if (p != null && !p.dead && p.host != null && p.transferPort > 0) return new Location(n, p.host, p.transferPort, rec.size());
    }
    return null;
  }

  /** Makes sure a copy is in the local store and returns its bytes. */
  public Future<Buffer> fetch(ObjectId id, long deadline) {
    Buffer mem = rt.store.getIfInMemory(id);
    if (mem != null) return Future.succeededFuture(mem);
    return locate(id, deadline).compose(loc -> {
      if (loc.node().equals(rt.nodeId)) {
        return rt.store.get(id).compose(b -> b != null ? Future.succeededFuture(b)
            : Future.failedFuture(new EmberException(ErrorCode.OBJECT_LOST, "object " + id + " vanished from this node's store")));
      }
      return rt.transfers.fetch(loc.host(), loc.port(), id).recover(err -> {
        if (System.currentTimeMillis() + 100 >= deadline) return Future.failedFuture(err);
        // the holder died or dropped it mid-way: look again (another copy, or a rebuild) once the verdict is in
        Promise<Buffer> again = Promise.promise();
        rt.vertx.setTimer(100, t -> fetch(id, deadline).onComplete(again));
        return again.future();
      }).compose(bytes -> {
        if (bytes == null) {
          return Future.failedFuture(new EmberException(ErrorCode.OBJECT_LOST, "object " + id + " is no longer at node " + loc.node()));
        }
        return rt.store.put(id, bytes).map(v -> {
          rt.writer.objectCreated(id, bytes.length(), id.task(), null, rt.nodeId); // a copy: the row keeps its kind
          return bytes;
        });
      });
    });
  }
}
