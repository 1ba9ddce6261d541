package io.ember.actor;

import io.ember.api.EmberException;
import io.ember.api.ObjectLostException;
import io.ember.gcs.ActorTable;
import io.ember.gcs.LedgerEntry;
import io.ember.gcs.ObjectRecord;
import io.ember.ids.ActorId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.monitor.ClusterView;
import io.ember.object.Location;
import io.ember.protocol.ActorCreateSpec;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskDone;
import io.ember.util.Retry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Makes the lost output of an actor call exist again, here: restores a scratch copy of the
 * actor from the newest checkpoint at or before the call, replays the calls between, and runs
 * the call itself. One rebuild per output cluster-wide (a Redis lock); the others wait for its
 * copy. Fails with {@link ObjectLostException} when the log before the call was trimmed.
 *
 * <p>Never touches a live incarnation: the scratch copy is its own instance, logs nothing to
 * the actor's method log and answers no caller. User code runs on the actor threads only.
 */
public final class OutputRebuilder {
  private final Context context;
  private final ActorServices node;
  private final ActorRegistry registry;
  private final ActorTable table;
  private final Function<ObjectId, Future<ObjectRecord>> objectRecords;
  private final ClusterView view;
  private final Retry everyFiftyMs;

  /**
   * @param context       the actor host's event loop: table replies continue there
   * @param objectRecords reads an object's row (sizes and locations) from the object table
   * @param view          which peers are alive, to pick a copy made elsewhere
   */
  public OutputRebuilder(Context context, ActorServices node, ActorRegistry registry, ActorTable table,
      Function<ObjectId, Future<ObjectRecord>> objectRecords, ClusterView view) {
    this.context = context;
    this.node = node;
    this.registry = registry;
    this.table = table;
    this.objectRecords = objectRecords;
    this.view = view;
    this.everyFiftyMs = Retry.every(context.owner(), node.clock(), 50);
  }

  /** The object-table kind of an actor-method output: how to find the call that made it. */
  static String outputKind(ActorId actor, long index) {
    return "actor:" + actor + ":" + index;
  }

  /** Rebuilds output {@code oid} of kind {@code actor:<id>:<index>} here (see the class comment), before {@code deadline}. */
  public Future<Location> rebuild(ObjectId oid, String kind, long deadline) {
    String[] parts = kind.split(":");
    ActorId actor = ActorId.parse(parts[1]);
    long index = Long.parseLong(parts[2]);
    if (node.store().contains(oid)) return Future.succeededFuture(node.directory().self(node.store().sizeOf(oid)));
    long ttl = Math.max(1000, deadline - node.clock().millis());
    return onContext(table.lockRebuild(actor, index, node.self().value(), ttl)).compose(locked -> {
      if (!locked) return waitForCopy(oid, deadline);
      return onContext(table.load(actor, index)).compose(l -> rebuildFrom(oid, kind, actor, index, l))
          .eventually(() -> table.unlockRebuild(actor, index).otherwiseEmpty());
    });
  }

  private Future<Location> rebuildFrom(ObjectId oid, String kind, ActorId actor, long index, ActorTable.Load l) {
    if (l == null) return Future.failedFuture(new ObjectLostException(oid.toString(), "its actor " + actor + " no longer exists"));
    int n = l.entries().size();
    if (n == 0 || l.from() + n - 1 != index) {
      return Future.failedFuture(new ObjectLostException(oid.toString(), "it is output " + index + " of actor " + actor
          + ", whose method log before index " + l.row().logBase() + " was trimmed after checkpoints (only outputs after the"
          + " oldest kept checkpoint, actors.checkpointsKept, can be rebuilt)"));
    }
    ActorCreateSpec spec;
    ActorClass cls;
    try {
      spec = ActorCreateSpec.decodeStored(actor, l.row().spec());
      cls = registry.lookup(spec.className());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new ObjectLostException(oid.toString(), "its actor " + actor + " cannot be recreated: " + e.getMessage()));
    } catch (EmberException e) {
      return Future.failedFuture(e);
    }
    Promise<Location> p = Promise.promise();
    node.threads().execute(() -> replayAndRun(p, oid, kind, actor, index, l, spec, cls));
    return p.future();
  }

  /** On an actor thread: the scratch copy replays up to the call, runs it, and stores its output. */
  private void replayAndRun(Promise<Location> p, ObjectId oid, String kind, ActorId actor, long index, ActorTable.Load l,
      ActorCreateSpec spec, ActorClass cls) {
    long t0 = System.nanoTime();
    int n = l.entries().size();
    try {
      // a scratch copy never executes a queued call, so it never has a log write refused
      ActorInstance scratch = new ActorInstance(node, (a, c, err) -> {}, spec, cls, -1);
      ActorInstance.Replay r = scratch.replay(l.checkpoint(), l.from(), l.entries().subList(0, n - 1), false);
      MethodLogEntry last = MethodLogEntry.decode(l.entries().get(n - 1));
      if (!last.call().equals(oid.task())) {
        throw new EmberException(ErrorCode.INTERNAL, "entry " + index + " of actor " + actor + " is call " + last.call()
            + ", not " + oid.task());
      }
      ActorInstance.Outcome o = scratch.invoke(last.method(), last.args(), last.call());
      boolean diverged = o.digest() != last.digest();
      node.writer().recovery(new LedgerEntry.ActorOutputRebuilt(actor, oid, index, l.checkpointPosition(), r.replayed() + 1,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), node.self(), node.clock().millis(),
          diverged || !r.diverged().isEmpty()));
      if (diverged) {
        node.writer().recovery(new LedgerEntry.ActorReplayDiverged(actor, List.of(index), oid, node.clock().millis()));
      }
      if (!o.ok()) {
        TaskDone.Failure f = o.failure();
        p.fail(new EmberException(f.code(), "rebuilding " + oid + " (call " + index + " of actor " + actor + "): " + f.type()
            + ": " + f.message()));
        return;
      }
      int size = o.bytes().length();
      node.store().put(oid, o.bytes()).onComplete(ar -> {
        if (ar.failed()) {
          p.fail(ar.cause());
          return;
        }
        node.writer().objectCreated(oid, size, oid.task(), kind, node.self());
        p.complete(node.directory().self(size));
      });
    } catch (Throwable t) {
      p.fail(t instanceof EmberException e ? e : new EmberException(ErrorCode.OBJECT_LOST, "rebuilding " + oid + " failed: " + t, t));
    }
  }

  /** Another node holds the rebuild lock: wait for the copy it makes (looked up every 50 ms) until the deadline. */
  private Future<Location> waitForCopy(ObjectId oid, long deadline) {
    return everyFiftyMs.until(deadline, err -> err instanceof NotThereYet, () -> onContext(objectRecords.apply(oid)).compose(rec -> {
      Location l = liveCopy(oid, rec);
      return l != null ? Future.succeededFuture(l) : Future.failedFuture(new NotThereYet(oid));
    }));
  }

  private Location liveCopy(ObjectId oid, ObjectRecord rec) {
    if (rec == null) return null;
    for (NodeId n : rec.locations()) {
      ClusterView.Peer peer = view.find(n);
      if (n.equals(node.self()) && node.store().contains(oid)) return node.directory().self(rec.size());
      if (peer != null && !peer.dead && peer.host != null) return new Location(n, peer.host, peer.transferPort, rec.size());
    }
    return null;
  }

  /** The copy being rebuilt elsewhere is not in the object table yet; the last one is the timeout's error. */
  private static final class NotThereYet extends EmberException {
    NotThereYet(ObjectId oid) {
      super(ErrorCode.TIMEOUT, "object " + oid + " is being rebuilt elsewhere and did not appear in time");
    }
  }

  /** Completes on the host's event loop (Redis replies arrive on the connection's). */
  private <T> Future<T> onContext(Future<T> f) {
    return ActorHost.onContext(context, f);
  }
}
