package io.ember.owner;

import io.ember.api.EmberException;
import io.ember.api.GetTimeoutException;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.object.Location;
import io.ember.object.ObjectDirectory;
import io.ember.object.TransferClient;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskDone;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gets the bytes of an object for a {@code get}: inline from its task's completion when this
 * client owns it, from this node's store or directory (a node's client), or by asking the home
 * node (a driver), then fetching over the transfer port; a driver whose copy is gone asks
 * {@link ObjectRecovery}. Every get ends by its deadline with {@link GetTimeoutException}. It
 * never re-runs a task itself and never blocks a thread.
 */
public final class ObjectGetter {
  static final long REFETCH_MS = 100;

  private final OwnedTasks tasks;
  private final Deadlines deadlines;
  private final Context context;
  private final ObjectDirectory directory;
  private final TransferClient transfers;
  private final OwnerRequests requests;
  private final ObjectRecovery recovery;
  private final Clock clock;

  /** {@code directory} is this node's, or null for a driver that is not a node. */
  public ObjectGetter(OwnedTasks tasks, Deadlines deadlines, Context context, ObjectDirectory directory, TransferClient transfers,
      OwnerRequests requests, ObjectRecovery recovery, Clock clock) {
    this.tasks = tasks;
    this.deadlines = deadlines;
    this.context = context;
    this.directory = directory;
    this.transfers = transfers;
    this.requests = requests;
    this.recovery = recovery;
    this.clock = clock;
  }

  /** The bytes of an object: inline from its task's completion, from the local store, or fetched. */
  public Future<Buffer> bytesOf(ObjectId id, long deadline) {
    if (Context.isOnVertxThread()) return bytesOnContext(id, deadline);
    Buffer inline = tasks.inlineValue(id.task());
    if (inline != null) return Future.succeededFuture(inline); // the common small case
    Future<TaskDone> mine = tasks.pendingResult(id.task());
    if (mine != null) {
      // a result this client is waiting for: an inline one completes the caller's future on the
      // thread that delivers it, with no hop and no timer per call (deadlines are swept)
      Promise<Buffer> out = Promise.promise();
      Deadlines.Entry d = deadlines.add(deadline, out, id);
      mine.onComplete(ar -> {
        deadlines.remove(d);
        if (ar.succeeded() && ar.result().ok() && ar.result().inline() != null) out.tryComplete(ar.result().inline());
        else context.runOnContext(v -> bytesOnContext(id, deadline).onComplete(out));
      });
      return out.future();
    }
    // from a plain thread (a driver's, a task's): hop to this client's context, so that transfer
    // connections are pooled there instead of on a fresh context per call
    Promise<Buffer> p = Promise.promise();
    context.runOnContext(v -> bytesOnContext(id, deadline).onComplete(p));
    return p.future();
  }

  private Future<Buffer> bytesOnContext(ObjectId id, long deadline) {
    Future<TaskDone> owned = tasks.done(id.task());
    Future<Buffer> f;
    if (owned != null) {
      f = owned.compose(d -> {
        if (!d.ok()) return Future.failedFuture(tasks.failureOf(id, d));
        if (d.inline() != null) return Future.succeededFuture(d.inline());
        return fetchFrom(id, OwnedTasks.at(d), deadline);
      });
    } else if (directory != null) {
      f = directory.fetch(id, deadline);
    } else {
      f = askHome(id, deadline);
    }
    long left = deadline - clock.millis();
    return f.timeout(Math.max(1, left), TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(err instanceof TimeoutException
            ? new GetTimeoutException(id.toString(), Duration.ofMillis(Math.max(0, left)), null) : err));
  }

  private Future<Buffer> fetchFrom(ObjectId id, Location l, long deadline) {
    if (directory != null) return directory.fetch(id, deadline); // the store first, then wherever it is
    return fetchAt(id, l).recover(err -> refetch(id, l.node(), err, deadline));
  }

  private Future<Buffer> fetchAt(ObjectId id, Location l) {
    return transfers.fetch(l.host(), l.port(), id)
        .compose(b -> b != null ? Future.succeededFuture(b) : Future.failedFuture(new EmberException(ErrorCode.OBJECT_LOST,
            "object " + id + " is no longer at node " + l.node())));
  }

  /**
   * Its copy is gone (node died, or evicted): re-locate, re-running its task if needed. A copy
   * found on a node that cannot be reached either (it died too, and its verdict is not in yet)
   * is looked for again every {@value #REFETCH_MS} ms; a recovery that fails ends it with its typed error.
   */
  private Future<Buffer> refetch(ObjectId id, NodeId from, Throwable err, long deadline) {
    if (clock.millis() >= deadline) return Future.failedFuture(err);
    return recovery.recover(id, "object " + id + " could not be fetched from node " + from + ": " + err.getMessage(), deadline)
        .compose(loc -> fetchAt(id, loc).recover(again -> context.owner().timer(REFETCH_MS).compose(t -> refetch(id, loc.node(), again, deadline))));
  }

  private Future<Buffer> askHome(ObjectId id, long deadline) {
    return requests.askHome(id, deadline).compose(body -> {
      if (body instanceof Buffer b) return Future.succeededFuture(b);
      Location l = Location.fromJson((JsonObject) body);
      return transfers.fetch(l.host(), l.port(), id);
    });
  }

  /** Fails every get whose deadline has passed (called every {@value Deadlines#SWEEP_MS} ms). */
  public void sweep() {
    deadlines.expire(clock.millis());
  }
}
