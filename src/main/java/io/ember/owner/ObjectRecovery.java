package io.ember.owner;

import io.ember.api.EmberException;
import io.ember.api.ObjectLostException;
import io.ember.api.TaskCancelledException;
import io.ember.gcs.Gcs;
import io.ember.gcs.ObjectRecord;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.object.LiveLocation;
import io.ember.object.Location;
import io.ember.protocol.TaskDone;
import io.ember.gcs.Claim;
import io.ember.gcs.ClaimOutcome;
import io.ember.gcs.LedgerEntry;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskSpec;
import io.ember.util.AsyncLimiter;
import io.ember.util.Retry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Lineage recovery, owner side: makes sure a task's result exists again and says where.
 *
 * <p>The algorithm ({@link #recover}), one round:
 * <ol>
 *   <li>A task this client cancelled is never re-run: it fails with {@link TaskCancelledException}.</li>
 *   <li>Find the task's spec: the one this client holds (pending, or the lineage it kept of a
 *       finished task), else the lineage in the task table.</li>
 *   <li>No spec: an actor-method output is rebuilt by replaying its actor ({@link ActorOutputs});
 *       a put value has no lineage: its first live copy (puts are kept on two nodes, and
 *       re-copied when one dies), else it fails with {@link ObjectLostException} (every copy was on
 *       dead nodes); anything else was never known ({@code UNKNOWN_OBJECT}).</li>
 *   <li>Claim the task cluster-wide ({@link ClaimService}), at most {@value #CLAIMS_IN_FLIGHT}
 *       claims in flight (a verdict listing thousands of tasks must not flood Redis), at this
 *       client's home node. By outcome:
 *     <ol type="a">
 *       <li>CLAIMED (attempt n) or MISSING (no row, and no live copy of every return object: a
 *           fresh attempt above any this client handed out, as a node drops a second copy of an
 *           attempt it was handed): re-submit it to the home node,
 *           owned by this client, record {@code task-resubmitted} in the ledger, and wait for it.</li>
 *       <li>IN_PROGRESS: if this client owns the run (the row's owner, or the spec's submitter
 *           when the row names none), wait for its result; else ask its owner, and if the owner
 *           does not answer, go to 4.</li>
 *       <li>EXISTS (every return object of the task has a live copy): the first live copy of the
 *           object asked for; if none is left any more, go to 4.</li>
 *       <li>FAILED: user code threw; fail with the recorded failure (its typed exception).</li>
 *       <li>EXHAUSTED: fail with {@link ObjectLostException} naming the object, the task, its
 *           function, how many times it ran and the retry budget.</li>
 *     </ol></li>
 *   <li>Try again: a new round every {@value #RETRY_MS} ms until the deadline, then the last error
 *       (also when the claim or a lineage read found Redis unavailable).</li>
 * </ol>
 * It never sends on the event bus or reads Redis itself: every effect goes through the
 * interfaces it was given, so that tests drive it with fakes and a clock.
 */
public final class ObjectRecovery {
  static final int CLAIMS_IN_FLIGHT = 64;
  static final long RETRY_MS = 50;

  /** The lineage reads recovery needs. */
  public interface Lineage {
    /** The task's spec from the task table, or null. */
    Future<TaskSpec> spec(TaskId task);

    /** The object's row, or null. */
    Future<ObjectRecord> object(ObjectId id);

    static Lineage of(Gcs gcs) {
      return new Lineage() {
        @Override
        public Future<TaskSpec> spec(TaskId task) {
          return gcs.tasks().get(task).map(rec -> rec == null || rec.spec() == null ? null : TaskSpec.decodeBuffer(Buffer.buffer(rec.spec())));
        }

        @Override
        public Future<ObjectRecord> object(ObjectId id) {
          return gcs.objects().get(id);
        }
      };
    }
  }

  /** Asks another client, the owner of a task, where its result is (waiting until it is done). */
  public interface Owners {
    Future<Location> ask(ClientId owner, ObjectId id, long deadline);
  }

  /** Rebuilds a lost actor-method output by replaying its actor. */
  public interface ActorOutputs {
    Future<Location> rebuild(ObjectId id, String kind, long deadline);
  }

  /** Sends a task to a node's scheduler. */
  public interface Submitter {
    void submit(NodeId node, TaskSpec spec);
  }

  private final ClientId clientId;
  private final Supplier<NodeId> home;
  private final OwnedTasks tasks;
  private final ClaimService claims;
  private final Lineage lineage;
  private final Owners owners;
  private final ActorOutputs actorOutputs;
  private final Submitter submitter;
  private final LiveLocation live;
  private final Ledger ledger;
  private final Clock clock;
  private final Retry retry;
  private final AsyncLimiter claimLimit = new AsyncLimiter(CLAIMS_IN_FLIGHT);
  /** Recoveries for gets in progress, by task (see {@link #recoverOnce}). */
  private final Map<TaskId, Future<Location>> inFlight = new ConcurrentHashMap<>();

  public ObjectRecovery(ClientId clientId, Supplier<NodeId> home, OwnedTasks tasks, ClaimService claims, Lineage lineage, Owners owners,
      ActorOutputs actorOutputs, Submitter submitter, LiveLocation live, Ledger ledger, Retry retry, Clock clock) {
    this.clientId = clientId;
    this.home = home;
    this.tasks = tasks;
    this.claims = claims;
    this.lineage = lineage;
    this.owners = owners;
    this.actorOutputs = actorOutputs;
    this.submitter = submitter;
    this.live = live;
    this.ledger = ledger;
    this.retry = retry;
    this.clock = clock;
  }

  /**
   * Makes sure {@code task}'s result will exist and says where (see the class comment). Fails
   * with a typed error once its system-failure retries are spent, if user code threw, or if it
   * never existed; never later than about {@code deadline}.
   */
  public Future<Location> recover(TaskId task, TaskSpec known, String reason, long deadline) {
    return recoverOnce(ObjectId.of(task, 1), known, reason, deadline);
  }

  /** As {@link #recover(TaskId, TaskSpec, String, long)}, for one of its task's return objects: where {@code oid} is. */
  public Future<Location> recover(ObjectId oid, String reason, long deadline) {
    return recoverOnce(oid, null, reason, deadline);
  }

  /**
   * One recovery per task at a time: the return objects of one task are lost together (a task with
   * {@code numReturns} n), and recovering each on its own would claim it n times at once, which a
   * claimer whose home has just died turns into n re-runs (its retry budget spent in one go). Later
   * ones wait for the first, then look again: its copies are back (EXISTS), or it runs (IN_PROGRESS).
   */
  private Future<Location> recoverOnce(ObjectId oid, TaskSpec known, String reason, long deadline) {
    Promise<Location> mine = Promise.promise();
    Future<Location> first = inFlight.putIfAbsent(oid.task(), mine.future());
    if (first != null) return first.transform(ar -> recover(oid, known, reason, deadline, true));
    recover(oid, known, reason, deadline, true).onComplete(ar -> {
      inFlight.remove(oid.task(), mine.future());
      if (ar.succeeded()) mine.complete(ar.result());
      else mine.fail(ar.cause());
    });
    return mine.future();
  }

  /**
   * As above; {@code waitForOwn} false: once this client's own attempt is running on a live node
   * or was just re-submitted, it completes with null at once (this client is its owner, already
   * waiting for the result) instead of waiting for that result, so a task is never marked as
   * being recovered while an attempt is in progress: if that attempt is lost too, the owner's
   * check finds it again.
   */
  private Future<Location> recover(ObjectId oid, TaskSpec known, String reason, long deadline, boolean waitForOwn) {
    return retry.until(deadline, err -> err instanceof TryAgain, () -> round(oid, known, reason, deadline, waitForOwn))
        .recover(err -> Future.failedFuture(err instanceof TryAgain t ? t.getCause() : err));
  }

  /**
   * Re-runs the pending tasks of this client that a node's death took down: those in
   * {@code lost}, or every one when {@code all} (the node was this client's home, so anything
   * sent to it may be lost). One recovery per task however many verdicts arrive; a task that
   * cannot be recovered fails with the typed error.
   */
  public void recoverLost(boolean all, Set<TaskId> lost, String reason, long deadline) {
    for (TaskId task : tasks.startRecovering(all, lost)) recoverMarked(task, reason, deadline);
  }

  /** As {@link #recoverLost}, for one pending task (the owner's reconciliation found it lost); false if it is not pending or already being recovered. */
  public boolean recoverPending(TaskId task, String reason, long deadline) {
    if (!tasks.startRecovering(task)) return false;
    recoverMarked(task, reason, deadline);
    return true;
  }

  /**
   * Recovers a task marked as being recovered. Its result, when found (a live copy of a finished
   * task whose answer never came), completes it here; a failure fails it.
   */
  private void recoverMarked(TaskId task, String reason, long deadline) {
    TaskSpec spec = tasks.specOf(task);
    if (spec == null) {
      tasks.recovered(task);
      return;
    }
    recover(ObjectId.of(task, 1), spec, reason, deadline, false).onComplete(ar -> {
      tasks.recovered(task);
      if (ar.succeeded()) {
        Location l = ar.result(); // null: its attempt is in progress on a live node
        if (l != null && tasks.pendingResult(task) != null) tasks.complete(TaskDone.ok(task, l.node(), l.host(), l.port(), l.size(), null));
      } else {
        tasks.fail(task, ar.cause());
      }
    });
  }

  private Future<Location> round(ObjectId oid, TaskSpec known, String reason, long deadline, boolean waitForOwn) {
    TaskId task = oid.task();
    if (tasks.cancelled(task)) return Future.failedFuture(new TaskCancelledException(task.toString(), "cancelled by its owner, never re-run"));
    TaskSpec kept = known != null ? known : tasks.lineageOf(task);
    return againIfUnavailable(kept != null ? Future.succeededFuture(kept) : lineage.spec(task)).compose(s -> {
      if (s == null) return withoutLineage(oid, deadline);
      NodeId at = home.get();
      return againIfUnavailable(claimLimit.submit(() -> claims.claim(task, clientId, at, s.maxRetries(), s.numReturns(), reason, clock.millis())))
          .compose(c -> onClaim(c, oid, s, at, reason, deadline, waitForOwn));
    });
  }

  /** A table read or claim that found Redis unavailable: a later round may do better. */
  private static <T> Future<T> againIfUnavailable(Future<T> f) {
    return f.recover(err -> Future.failedFuture(err instanceof EmberException e && e.code() == ErrorCode.UNAVAILABLE ? new TryAgain(err) : err));
  }

  private Future<Location> withoutLineage(ObjectId oid, long deadline) {
    ObjectId put = ObjectId.of(oid.task(), 0);
    return lineage.object(oid).compose(rec -> rec != null && rec.kind() != null && rec.kind().startsWith("actor:")
        ? actorOutputs.rebuild(oid, rec.kind(), deadline)
        : lineage.object(put).compose(p -> putCopy(oid, put, p)));
  }

  /** A put has no lineage: a live copy of it (its second copy, see {@code PutCopies}), else it is lost. */
  private Future<Location> putCopy(ObjectId oid, ObjectId put, ObjectRecord p) {
    if (p == null) return Future.failedFuture(new EmberException(ErrorCode.UNKNOWN_OBJECT, "object " + oid + " is not known to the cluster (no lineage)"));
    Location l = live.first(p);
    return l != null ? Future.succeededFuture(l)
        : Future.failedFuture(new ObjectLostException(put.toString(), "a put object whose every copy was on dead nodes"));
  }

  private Future<Location> onClaim(Claim c, ObjectId oid, TaskSpec s, NodeId at, String reason, long deadline, boolean waitForOwn) {
    TaskId task = oid.task();
    return switch (c.outcome()) {
      case CLAIMED, MISSING -> {
        Future<Location> rerun = resubmit(s, at, c.outcome() == ClaimOutcome.MISSING, c.attempts(), reason, oid);
        yield waitForOwn ? rerun : Future.succeededFuture(null); // the owner's pending task waits for it
      }
      case IN_PROGRESS -> !clientId.equals(ownerOf(c, s)) ? askOwner(ownerOf(c, s), oid, deadline)
          : waitForOwn ? tasks.locationOf(tasks.track(s), oid) : Future.succeededFuture(null);
      case EXISTS -> lineage.object(oid).compose(rec -> {
        Location l = live.first(rec);
        return l != null ? Future.succeededFuture(l)
            : Future.failedFuture(new TryAgain(new EmberException(ErrorCode.OBJECT_LOST, "object " + oid + ": its copies vanished")));
      });
      case FAILED -> Future.failedFuture(Failures.fromTaskTable(oid, task, s.function(), c.failure()));
      case EXHAUSTED -> Future.failedFuture(new ObjectLostException(oid.toString(), "its task " + task + " (" + s.function()
          + ") was run " + (c.attempts() + 1) + " times and its system-failure retries (" + s.maxRetries() + ") are spent: "
          + (c.failure() == null || c.failure().message() == null ? "no reason recorded" : c.failure().message())));
    };
  }

  /**
   * Whose run is in progress: the row's owner, or, when the row names none (its submission
   * record was written by a node fenced before it landed, and only the state writes of the node
   * running it did), the submitter named in the spec. A task id always names one spec, so the
   * spec held here is as good as the table's, and a client that holds its own task's spec waits
   * for its own result instead of asking nobody and then finding no lineage in the table.
   */
  private static ClientId ownerOf(Claim c, TaskSpec s) {
    return c.owner() != null ? c.owner() : s.owner();
  }

  /** Another client runs it: ask that owner; one that does not answer (or none recorded) means another round. */
  private Future<Location> askOwner(ClientId owner, ObjectId oid, long deadline) {
    Future<Location> asked = owner != null ? owners.ask(owner, oid, deadline)
        : Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "object " + oid + ": its task's row names no owner"));
    return asked.recover(err -> Future.failedFuture(new TryAgain(err)));
  }

  /** {@code missing}: the row is gone, so a fresh attempt number (see {@link OwnedTasks#freshAttempt}); else the claim's. */
  private Future<Location> resubmit(TaskSpec s, NodeId at, boolean missing, int claimed, String reason, ObjectId oid) {
    Future<Location> result = tasks.locationOf(tasks.track(s), oid);
    TaskSpec again = s.ownedBy(clientId, missing ? tasks.freshAttempt(s.id(), s.attempt()) : tasks.handedAttempt(s.id(), claimed));
    submitter.submit(at, again);
    ledger.record(new LedgerEntry.TaskResubmitted(s.id(), s.function(), again.attempt(), clientId, reason, clock.millis()));
    return result;
  }

  /** A round that may succeed if tried again shortly; carries the error to report if it never does. */
  private static final class TryAgain extends RuntimeException {
    TryAgain(Throwable last) {
      super(last.getMessage(), last, false, false);
    }
  }
}
