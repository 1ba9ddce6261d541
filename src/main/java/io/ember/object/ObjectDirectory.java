package io.ember.object;

import io.ember.api.EmberException;
import io.ember.gcs.Gcs;
import io.ember.gcs.ObjectRecord;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.api.ErrorCode;
import io.ember.util.Retry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Finds where an object lives and brings a copy here. Looks, in order: in the local store; at
 * the owner of its creating task when that owner is in this JVM; in the object table; then asks
 * the owner to recover it (re-running its task if no live copy remains). Polls with backoff when
 * nothing is known yet (the creating task's record may still be in flight), until the deadline.
 * It never re-runs a task itself: that is the owner's ({@link OwnerLookup}).
 */
public final class ObjectDirectory {
  /** What the directory asks of the owner side (this node's client): like Ray's task-resubmission interface. */
  public interface OwnerLookup {
    /** Where an object this JVM's client owns is, once its task is done; null if it does not own it. */
    Future<Location> ownedLocation(ObjectId id);

    /** Makes sure object {@code id} exists again (re-running its task if needed) and says where. */
    Future<Location> recover(ObjectId id, String reason, long deadline);

    /** Asks client {@code owner} where an object it owns is, waiting until its task is done (UNKNOWN_OBJECT if it does not own it). */
    Future<Location> askOwner(ClientId owner, ObjectId id, long deadline);

    /** An owner looked up on each use (it is built after the directory). */
    static OwnerLookup deferred(Supplier<? extends OwnerLookup> owner) {
      return new OwnerLookup() {
        @Override
        public Future<Location> ownedLocation(ObjectId id) {
          return owner.get().ownedLocation(id);
        }

        @Override
        public Future<Location> recover(ObjectId id, String reason, long deadline) {
          return owner.get().recover(id, reason, deadline);
        }

        @Override
        public Future<Location> askOwner(ClientId client, ObjectId id, long deadline) {
          return owner.get().askOwner(client, id, deadline);
        }
      };
    }
  }

  /** The table reads the directory needs. */
  public interface Tables {
    Future<ObjectRecord> object(ObjectId id);

    /** Whether the task table has a row for {@code task}. */
    Future<Boolean> taskKnown(TaskId task);

    static Tables of(Gcs gcs) {
      return new Tables() {
        @Override
        public Future<ObjectRecord> object(ObjectId id) {
          return gcs.objects().get(id);
        }

        @Override
        public Future<Boolean> taskKnown(TaskId task) {
          return gcs.tasks().get(task).map(t -> t != null);
        }
      };
    }
  }

  /** Records that this node now holds a copy (the object row keeps its kind). */
  public interface CopyRecorder {
    void copied(ObjectId id, long size);
  }

  private final NodeId self;
  private final LongFunction<Location> selfAt;
  private final ObjectStore store;
  private final TransferClient transfers;
  private final Tables tables;
  private final CopyRecorder copies;
  private final LiveLocation live;
  private final OwnerLookup owner;
  private final Retry backoff;
  private final Retry refetch;

  public ObjectDirectory(NodeId self, LongFunction<Location> selfAt, ObjectStore store, TransferClient transfers, Tables tables,
      CopyRecorder copies, LiveLocation live, OwnerLookup owner, Vertx vertx, Clock clock) {
    this.self = self;
    this.selfAt = selfAt;
    this.store = store;
    this.transfers = transfers;
    this.tables = tables;
    this.copies = copies;
    this.live = live;
    this.owner = owner;
    this.backoff = Retry.backoff(vertx, clock, 2, 200);
    this.refetch = Retry.every(vertx, clock, 100);
  }

  public Location self(long size) {
    return selfAt.apply(size);
  }

  public Future<Location> locate(ObjectId id, long deadline) {
    return locate(id, null, deadline);
  }

  /**
   * As {@link #locate(ObjectId, long)}, with the client that probably owns the object (the owner
   * of the task that takes it as an argument): asked when the task table has no row for its
   * task, since that owner may be the only one that knows it (the node that accepted its task
   * was fenced before its rows landed).
   */
  public Future<Location> locate(ObjectId id, ClientId ownerHint, long deadline) {
    if (store.contains(id)) return Future.succeededFuture(self(store.sizeOf(id)));
    Future<Location> owned = owner.ownedLocation(id);
    if (owned != null) return owned;
    // the creating task's record may still be in flight, or Redis away (restarting, its holders
    // re-publishing after it came back empty): look again shortly
    return backoff.until(deadline, ObjectDirectory::notYet, () -> fromTables(id, ownerHint, deadline));
  }

  private static boolean notYet(Throwable err) {
    return err instanceof EmberException e && (e.code() == ErrorCode.UNKNOWN_OBJECT || e.code() == ErrorCode.UNAVAILABLE);
  }

  private Future<Location> fromTables(ObjectId id, ClientId ownerHint, long deadline) {
    return tables.object(id).compose(rec -> {
      Location l = live.first(rec);
      if (l != null) return Future.succeededFuture(l);
      return tables.taskKnown(id.task()).compose(known -> {
        if (!known && ownerHint != null) return owner.askOwner(ownerHint, id, deadline);
        if (!known && rec == null) {
          return Future.failedFuture(new EmberException(ErrorCode.UNKNOWN_OBJECT, "object " + id + " is not known to the cluster"));
        }
        return owner.recover(id, "object " + id + " needed at node " + self + " has no live copy", deadline);
      });
    });
  }

  /** Makes sure a copy is in the local store and returns its bytes. */
  public Future<Buffer> fetch(ObjectId id, long deadline) {
    return fetch(id, null, deadline);
  }

  /** As {@link #fetch(ObjectId, long)}, with the client that probably owns it (see {@link #locate(ObjectId, ClientId, long)}). */
  public Future<Buffer> fetch(ObjectId id, ClientId ownerHint, long deadline) {
    Buffer mem = store.getIfInMemory(id);
    if (mem != null) return Future.succeededFuture(mem); // the common case: no retry machinery
    // the holder died or dropped it mid-way: look again (another copy, or a rebuild) once the verdict is in
    return refetch.until(deadline, err -> err instanceof Unreachable, () -> fetchOnce(id, ownerHint, deadline))
        .recover(err -> Future.failedFuture(err instanceof Unreachable u ? u.getCause() : err));
  }

  private Future<Buffer> fetchOnce(ObjectId id, ClientId ownerHint, long deadline) {
    Buffer mem = store.getIfInMemory(id);
    if (mem != null) return Future.succeededFuture(mem);
    return locate(id, ownerHint, deadline).compose(loc -> loc.node().equals(self) ? fromStore(id) : fetchFrom(id, loc));
  }

  private Future<Buffer> fromStore(ObjectId id) {
    return store.get(id).compose(b -> b != null ? Future.succeededFuture(b)
        : Future.failedFuture(new EmberException(ErrorCode.OBJECT_LOST, "object " + id + " vanished from this node's store")));
  }

  private Future<Buffer> fetchFrom(ObjectId id, Location loc) {
    return transfers.fetch(loc.host(), loc.port(), id)
        .recover(err -> Future.failedFuture(new Unreachable(err)))
        .compose(bytes -> {
          if (bytes == null) {
            return Future.failedFuture(new EmberException(ErrorCode.OBJECT_LOST, "object " + id + " is no longer at node " + loc.node()));
          }
          return store.put(id, bytes).map(v -> {
            copies.copied(id, bytes.length());
            return bytes;
          });
        });
  }

  /** A transfer that failed: the only failure a fetch tries again. */
  private static final class Unreachable extends RuntimeException {
    Unreachable(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
