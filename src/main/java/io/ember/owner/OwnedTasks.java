package io.ember.owner;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.TaskCancelledException;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.object.Location;
import io.ember.protocol.Requests;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The owner's task table: every task (and put, and actor call) this client owns whose result has
 * not arrived ({@code pending}, with its spec for re-submission), and the latest results that did
 * ({@code recent}, bounded). Completes waiters when a result arrives or a task fails here. Safe
 * from any thread. It never sends anything and never decides to re-run a task: that is
 * {@link ObjectRecovery}'s.
 */
public final class OwnedTasks {
  static final int RECENT_MAX = 100_000;
  /** Values up to this size stay inline in {@code recent}; larger ones are fetched again. */
  public static final int RECENT_INLINE_MAX = 1024;
  private static final int RAISED_MAX = 10_000;

  /** A task this client owns whose result has not arrived; its spec is null for puts and actor calls. */
  private static final class Pending {
    final Promise<TaskDone> promise = Promise.promise();
    final TaskSpec spec;
    final boolean put; // a put this client is storing (a node asks before it stores one under this client's name)
    volatile long checkedAt; // last compared with the task table (0: not yet seen by a check, which only notes the time)
    volatile NodeId handedTo; // the node this client last handed it to (null: not handed over the event bus)
    boolean cancelled; // under this entry's lock: its owner cancelled it, no result completes it after that
    int lastAttempt; // under this entry's lock: the highest attempt this client handed out
    volatile boolean answerRefused; // a node reported its result and the check refused it
    volatile int checks; // how many times the owner's check has compared it with the table

    Pending(TaskSpec spec, boolean put) {
      this.spec = spec;
      this.put = put;
      this.lastAttempt = spec == null ? 0 : spec.attempt();
    }

    Promise<TaskDone> promise() {
      return promise;
    }

    TaskSpec spec() {
      return spec;
    }
  }

  /**
   * The specs of finished tasks whose results this client received: the lineage an owner keeps,
   * as Ray's owners do, so that a result lost with its node can be re-run even when the task
   * table has no row for it (the node that accepted it was fenced before its writes landed).
   * Bounded; a spec whose argument values are larger than {@value #LINEAGE_SPEC_MAX} bytes is
   * not kept (the table's lineage serves it).
   */
  private final Map<TaskId, TaskSpec> lineage = bounded(RECENT_MAX);
  static final int LINEAGE_SPEC_MAX = 64 * 1024;
  private final Map<TaskId, Pending> pending = new ConcurrentHashMap<>();
  private final Set<TaskId> recovering = ConcurrentHashMap.newKeySet();
  private final Map<TaskId, TaskDone> recent = bounded(RECENT_MAX);
  /** Failures decided here (not reported by a node), kept as the typed exceptions they were. */
  private final Map<TaskId, EmberException> raised = bounded(RAISED_MAX);
  private final InFlightGate gate = new InFlightGate(pending::size);
  /** Tasks this client cancelled: final, whatever a node reports later (bounded, like the failures decided here). */
  private final Map<TaskId, Boolean> cancelled = bounded(RAISED_MAX);
  /** False until this client's first cancel: completions then skip the lookup (set before any task is marked cancelled). */
  private volatile boolean anyCancelled;

  private static <V> Map<TaskId, V> bounded(int max) {
    return Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<TaskId, V> eldest) {
        return size() > max;
      }
    });
  }

  /** Admission control of this client's new submissions (see {@link InFlightGate}). */
  public InFlightGate gate() {
    return gate;
  }

  /** Tracks a submitted task (once: a re-submission keeps the first waiters); returns its result. */
  public Future<TaskDone> track(TaskSpec spec) {
    return pending.computeIfAbsent(spec.id(), k -> new Pending(spec, false)).promise().future();
  }

  /** Registers a result this client will receive without a spec (an actor call's). */
  public void expect(TaskId task) {
    pending.computeIfAbsent(task, k -> new Pending(null, false));
  }

  /** An attempt above all this client handed out for {@code task} and above {@code floor}, now handed out (a re-run of a missing row). */
  public int freshAttempt(TaskId task, int floor) {
    Pending p = pending.get(task);
    if (p == null) return floor + 1;
    synchronized (p) {
      return p.lastAttempt = Math.max(floor, p.lastAttempt) + 1;
    }
  }

  /** This client hands out {@code attempt} of {@code task} (a claim's); returns it. */
  public int handedAttempt(TaskId task, int attempt) {
    Pending p = pending.get(task);
    if (p != null) {
      synchronized (p) {
        p.lastAttempt = Math.max(p.lastAttempt, attempt);
      }
    }
    return attempt;
  }

  /** An answer for {@code task} from a node the table did not name was refused (forged, or the rows were lost): see {@link Reconciler}. */
  public void answerRefused(TaskId task) {
    Pending p = pending.get(task);
    if (p != null && p.spec() != null) p.answerRefused = true;
  }

  /** Whether an answer for pending {@code task} was refused ({@link #answerRefused}). */
  public boolean wasAnswerRefused(TaskId task) {
    Pending p = pending.get(task);
    return p != null && p.answerRefused;
  }

  /** How many times {@link #dueForCheck} has handed out pending {@code task} (0 if not pending). */
  public int checksOf(TaskId task) {
    Pending p = pending.get(task);
    return p == null ? 0 : p.checks;
  }

  /** This client is handing {@code task} to {@code node}: its completion is expected from there. Returns {@code node}. */
  public NodeId handedTo(TaskId task, NodeId node) {
    Pending p = pending.get(task);
    if (p != null) p.handedTo = node;
    return node;
  }

  /**
   * Whether a completion of {@code task} may still be acted on: it is pending, or it failed here
   * (a node's report replaces a failure decided here); never once a result arrived.
   */
  public boolean awaits(TaskId task) {
    if (anyCancelled && cancelled.containsKey(task)) return false;
    if (pending.containsKey(task)) return true;
    TaskDone d = recent.get(task);
    return d != null && !d.ok();
  }

  /** The node {@code task} was last handed to, or null. */
  public NodeId handedTo(TaskId task) {
    Pending p = pending.get(task);
    return p == null ? null : p.handedTo;
  }

  /** Registers a put being stored (a fresh entry: a put id is never reused). */
  public void expectPut(TaskId task) {
    pending.put(task, new Pending(null, true));
  }

  /** A result arrived: remembered, and handed to whoever waits; ignored for a task this client cancelled. */
  public void complete(TaskDone done) {
    if (anyCancelled && cancelled.containsKey(done.task())) return;
    Pending p = pending.get(done.task());
    if (p == null) {
      completeNow(done);
      return;
    }
    synchronized (p) { // against a cancel deciding at the same time: one of the two wins
      if (!p.cancelled) completeNow(done);
    }
  }

  private void completeNow(TaskDone done) {
    recent.put(done.task(), done.inline() != null && done.inline().length() > RECENT_INLINE_MAX
        ? new TaskDone(done.task(), done.node(), done.transferHost(), done.transferPort(), done.size(), null, done.error())
        : done);
    if (!done.ok()) raised.remove(done.task()); // a node's report replaces an older failure decided here
    Pending p = pending.remove(done.task());
    if (p != null) gate.settled();
    if (p != null && p.spec() != null && done.ok() && inlineBytes(p.spec()) <= LINEAGE_SPEC_MAX) lineage.put(done.task(), p.spec());
    if (p != null) p.promise().tryComplete(done);
  }

  private static long inlineBytes(TaskSpec spec) {
    long n = 0;
    for (TaskSpec.Arg a : spec.args()) if (!a.isRef()) n += a.value().length();
    return n;
  }

  /** The spec of a task this client owns: pending, or finished and kept as lineage; null if neither. */
  public TaskSpec lineageOf(TaskId task) {
    TaskSpec pendingSpec = specOf(task);
    return pendingSpec != null ? pendingSpec : lineage.get(task);
  }

  /**
   * Cancels a pending task (one with a spec: not a put, not an actor call): from now on it fails
   * here with {@link TaskCancelledException} for good, whatever a node reports. False if it is not
   * pending here (its result arrived, it failed, or this client does not own it).
   */
  public boolean cancel(TaskId task) {
    Pending p = pending.get(task);
    if (p == null || p.spec() == null) return false;
    anyCancelled = true;
    synchronized (p) {
      if (pending.get(task) != p) return false; // its result arrived meanwhile
      p.cancelled = true;
      cancelled.put(task, Boolean.TRUE);
    }
    fail(task, new TaskCancelledException(task.toString(), "cancelled by its owner"));
    return true;
  }

  /** Whether this client cancelled {@code task} (within the bound of remembered cancellations). */
  public boolean cancelled(TaskId task) {
    return anyCancelled && cancelled.containsKey(task);
  }

  /** The task failed here (it will not be re-run): a later get of its object finds {@code err}. A cancelled task keeps its cancellation. */
  public void fail(TaskId task, Throwable err) {
    if (anyCancelled && cancelled.containsKey(task) && !(err instanceof TaskCancelledException)) return;
    TaskDone failed = TaskDone.failed(task, null, Failures.toFailure(err));
    if (err instanceof EmberException e) raised.put(task, e);
    recent.put(task, failed);
    Pending p = pending.remove(task);
    if (p != null) gate.settled();
    if (p != null) p.promise().tryComplete(failed);
  }

  /** The result of an owned task, now or once it arrives; null if this client does not own it. */
  public Future<TaskDone> done(TaskId task) {
    TaskDone d = recent.get(task);
    if (d != null) return Future.succeededFuture(d);
    Pending p = pending.get(task);
    if (p != null) return p.promise().future();
    d = recent.get(task); // completed between the two looks
    return d == null ? null : Future.succeededFuture(d);
  }

  /** The inline value of a finished task, if {@code recent} still has it (the common small case). */
  public Buffer inlineValue(TaskId task) {
    TaskDone known = recent.get(task);
    return known != null && known.ok() ? known.inline() : null;
  }

  /** The result future of a task still pending, or null. */
  public Future<TaskDone> pendingResult(TaskId task) {
    Pending p = pending.get(task);
    return p == null ? null : p.promise().future();
  }

  /** Where an owned object is, once its task is done; null if this client does not own it. */
  public Future<Location> location(ObjectId id) {
    Future<TaskDone> f = done(id.task());
    return f == null ? null : locationOf(f, id);
  }

  /**
   * Another node's wait for an object this client owns ({@code {"objectId", "timeoutMs"}}):
   * its location as JSON once its task is done, within the timeout; BAD_REQUEST for a malformed
   * request, UNKNOWN_OBJECT for an object this client does not own. With {@code "put": true} it
   * is a node asking, before it stores a put under this client's name, whether this client is
   * storing that put: {@code {"expects": true|false}} at once.
   */
  public Future<JsonObject> answerWait(Object body, ClientId self, long defaultTimeoutMs, StillThere check) {
    try {
      JsonObject req = Requests.object(body);
      Requests.onlyKeys(req, "objectId", "timeoutMs", "put");
      ObjectId id = Requests.objectId(req, "objectId");
      if (req.containsKey("put") && Requests.bool(req, "put")) {
        Pending p = id.index() == 0 ? pending.get(id.task()) : null;
        return Future.succeededFuture(new JsonObject().put("expects", p != null && p.put));
      }
      long timeout = Requests.timeoutMs(req, "timeoutMs", defaultTimeoutMs);
      Future<Location> f = location(id);
      if (f == null) return Future.failedFuture(new EmberException(ErrorCode.UNKNOWN_OBJECT, "client " + self + " does not own object " + id));
      long deadline = System.currentTimeMillis() + timeout;
      return f.compose(l -> check.where(id, l, deadline)).timeout(timeout, TimeUnit.MILLISECONDS).map(Location::toJson).recover(err -> Future.failedFuture(
          err instanceof TimeoutException ? new EmberException(ErrorCode.TIMEOUT, "object " + id + ": its task " + id.task() + " ("
              + functionOf(id.task()) + ") had not finished at its owner " + self + " after " + timeout + " ms") : err));
    } catch (EmberException malformed) {
      return Future.failedFuture(malformed);
    }
  }

  /**
   * Checks a location this client recorded for one of its objects before handing it out: a copy
   * on a node that has died since is made to exist again (the owner's recovery), by the deadline.
   */
  public interface StillThere {
    Future<Location> where(ObjectId id, Location recorded, long deadline);
  }

  /** Where {@code id} is once {@code done} completes, or its task's typed failure. */
  public Future<Location> locationOf(Future<TaskDone> done, ObjectId id) {
    return done.compose(d -> d.ok() ? Future.succeededFuture(at(d)) : Future.failedFuture(failureOf(id, d)));
  }

  /** The typed exception of a failed task, read through object {@code id}. */
  public EmberException failureOf(ObjectId id, TaskDone d) {
    EmberException here = raised.get(d.task());
    return here != null ? here : Failures.ofTask(id, d);
  }

  /** The transfer endpoint a finished task's result is at. */
  public static Location at(TaskDone d) {
    return new Location(d.node(), d.transferHost(), d.transferPort(), d.size());
  }

  private String functionOf(TaskId task) {
    TaskSpec spec = specOf(task);
    return spec == null ? "no spec here" : spec.function() + (recovering.contains(task) ? ", being recovered" : "");
  }

  /** The specs of every pending task (not puts, not actor calls): what a resync re-publishes. */
  public List<TaskSpec> pendingSpecs() {
    List<TaskSpec> out = new ArrayList<>();
    for (Pending p : pending.values()) if (p.spec() != null) out.add(p.spec());
    return out;
  }

  /** The spec of a pending task, or null (not pending, or not re-runnable by spec). */
  public TaskSpec specOf(TaskId task) {
    Pending p = pending.get(task);
    return p == null ? null : p.spec();
  }

  /**
   * The pending tasks with a spec that a node's death took down ({@code all}: every one, when
   * the node was this client's home) and that are not being recovered yet; each is marked as
   * being recovered until {@link #recovered} (one recovery per task, however many verdicts arrive).
   */
  public List<TaskId> startRecovering(boolean all, Set<TaskId> lost) {
    List<TaskId> todo = new ArrayList<>();
    for (Map.Entry<TaskId, Pending> e : pending.entrySet()) {
      if (e.getValue().spec() == null) continue; // a put in flight: it completes or fails by itself
      if (!all && !lost.contains(e.getKey())) continue;
      if (recovering.add(e.getKey())) todo.add(e.getKey());
    }
    return todo;
  }

  /**
   * Up to {@code max} pending tasks with a spec, not being recovered, that were last compared
   * with the task table (or first seen by this call) at least {@code staleMs} ago; each is
   * marked as checked now. Time is the caller's clock.
   */
  public List<TaskId> dueForCheck(long now, long staleMs, int max) {
    List<TaskId> due = new ArrayList<>();
    for (Map.Entry<TaskId, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      if (p.spec() == null || recovering.contains(e.getKey())) continue;
      if (p.checkedAt == 0) p.checkedAt = now;
      if (now - p.checkedAt < staleMs) continue;
      p.checkedAt = now;
      p.checks++;
      due.add(e.getKey());
      if (due.size() >= max) break;
    }
    return due;
  }

  /** Marks one pending task as being recovered; false if it is not pending with a spec, or already is. */
  public boolean startRecovering(TaskId task) {
    Pending p = pending.get(task);
    return p != null && p.spec() != null && recovering.add(task);
  }

  /** Whether this client received {@code task}'s result (it is among the recent ones, as a success). */
  public boolean delivered(TaskId task) {
    TaskDone d = recent.get(task);
    return d != null && d.ok();
  }

  public void recovered(TaskId task) {
    recovering.remove(task);
  }
}
