package io.ember.actor;

import io.ember.api.Checkpointable;
import io.ember.api.Current;
import io.ember.api.Ember;
import io.ember.api.EmberException;
import io.ember.ids.ActorId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import io.ember.metrics.EmberMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * One incarnation of an actor on this node. Calls enter through {@link #offer} (from the actor
 * host's event loop, or straight from a client in this JVM), which puts each caller's calls in
 * seq order, holds back a call whose predecessors have not arrived, answers an already applied
 * seq from its recorded result, and
 * keeps every call that arrives while the incarnation is being restored until the replay is
 * over, so new calls never interleave with replayed ones. The mailbox runs on the host's actor
 * threads, one call at a time. A call's result is released only once its method-log entry is
 * in Redis (group commit through the node's fenced writer): a caller never sees a result that
 * a recreated actor could contradict, and a zombie's results are never released at all.
 *
 * <p>Never runs user code on an event loop; never lets a user exception escape.
 */
final class ActorInstance {
  enum Phase { RESTORING, SERVING, STOPPED }

  /** What the host does when a call's log write was refused or lost (this incarnation must stop). */
  interface Refusals {
    void refused(ActorInstance a, ActorCallSpec c, Throwable err);
  }

  private static final Logger LOG = Logger.getLogger(ActorHost.class.getName());
  private static final int FAILURES_KEPT = 10_000;

  private final ActorServices node;
  private final Refusals refusals;
  final ActorCreateSpec spec;
  final ActorClass cls;
  final long incarnation;
  volatile Phase phase = Phase.RESTORING;
  private Object target;

  // intake: under this instance's lock (the host's event loop, or a caller's thread in this JVM)
  private final Map<TaskId, Long> nextSeq = new HashMap<>();
  private final Map<TaskId, TreeMap<Long, ActorCallSpec>> held = new HashMap<>();
  private final List<ActorCallSpec> early = new ArrayList<>();

  // execution state: the actor thread running the mailbox (one at a time)
  private long nextIndex;
  private int sinceCheckpoint;
  private long lastCheckpointNanos = System.nanoTime();
  /** Per caller, the seq of the last call applied to the state. */
  private final Map<TaskId, Long> applied = new HashMap<>();
  /** Per caller, the seq of the last call whose log entry is in Redis: duplicates up to it are answered. */
  final Map<TaskId, Long> durable = new ConcurrentHashMap<>();
  /** Calls whose user code failed (their outcome has no object to read back). */
  final Map<TaskId, TaskDone.Failure> failures = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TaskId, TaskDone.Failure> e) {
          return size() > FAILURES_KEPT;
        }
      });

  /** Held while a call runs, and by a resync's snapshot: the state is read between calls only. */
  private final ReentrantLock stateLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<ActorCallSpec> mailbox = new ConcurrentLinkedQueue<>();
  /** Set when the node stops: the mailbox's last run checkpoints and completes it. */
  private volatile Promise<Void> leaving;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Executor threads;

  ActorInstance(ActorServices node, Refusals refusals, ActorCreateSpec spec, ActorClass cls, long incarnation) {
    this.node = node;
    this.refusals = refusals;
    this.spec = spec;
    this.cls = cls;
    this.incarnation = incarnation;
    this.threads = node.threads();
  }

  ActorId id() {
    return spec.actor();
  }

  // ---- intake (event loop) ----------------------------------------------------------------

  synchronized void offer(ActorCallSpec c) {
    switch (phase) {
      case RESTORING -> early.add(c);
      case STOPPED -> node.replies().replyMoved(c, "actor " + id() + " incarnation " + incarnation + " stopped on node " + node.self());
      case SERVING -> inOrder(c);
    }
  }

  private void inOrder(ActorCallSpec c) {
    long next = nextSeq.computeIfAbsent(c.caller(), k -> durable.getOrDefault(k, 0L) + 1);
    if (c.seq() < next) {
      Long d = durable.get(c.caller());
      if (d != null && c.seq() <= d) node.replies().replyRecorded(this, c);
      // else: accepted and not yet durable; its own reply is on the way
      return;
    }
    if (c.seq() > next) {
      held.computeIfAbsent(c.caller(), k -> new TreeMap<>()).put(c.seq(), c);
      return;
    }
    enqueue(c);
    long n = next + 1;
    TreeMap<Long, ActorCallSpec> h = held.get(c.caller());
    if (h != null) {
      ActorCallSpec x;
      while ((x = h.remove(n)) != null) {
        enqueue(x);
        n++;
      }
      if (h.isEmpty()) held.remove(c.caller());
    }
    nextSeq.put(c.caller(), n);
  }

  /** The replay is over (event loop): serve, starting with the calls that waited for it. */
  synchronized void serve() {
    if (phase != Phase.RESTORING) return;
    phase = Phase.SERVING;
    List<ActorCallSpec> waiting = new ArrayList<>(early);
    early.clear();
    waiting.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    for (ActorCallSpec c : waiting) inOrder(c);
  }

  /** This incarnation must not serve any more (event loop): waiting calls are told to look again. */
  synchronized void stop(String why) {
    phase = Phase.STOPPED;
    List<ActorCallSpec> all = new ArrayList<>(early);
    early.clear();
    held.values().forEach(h -> all.addAll(h.values()));
    held.clear();
    for (ActorCallSpec c : all) node.replies().replyMoved(c, why);
    schedule(); // drains the mailbox with moved replies
  }

  /**
   * The node stops (event loop): as {@link #stop}, then, once the call running now is over, a
   * last checkpoint (of a serving {@code Checkpointable}), so that the next incarnation replays
   * little. Completes when that checkpoint is written (or at once when there is none to take).
   */
  synchronized Future<Void> stopAndCheckpoint(String why) {
    if (phase != Phase.SERVING) {
      stop(why);
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    leaving = done;
    stop(why); // schedules the mailbox; its run ends with the checkpoint
    return done.future();
  }

  synchronized List<ActorCallSpec> drainEarly() {
    List<ActorCallSpec> all = new ArrayList<>(early);
    early.clear();
    return all;
  }

  private void enqueue(ActorCallSpec c) {
    mailbox.add(c);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) threads.execute(this::runMailbox);
  }


  // ---- execution (actor threads) ----------------------------------------------------------

  private void runMailbox() {
    try {
      int budget = 256;
      ActorCallSpec c;
      while (budget-- > 0 && (c = mailbox.poll()) != null) {
        if (phase == Phase.STOPPED || !node.guard().holdsLease()) {
          node.replies().replyMoved(c, "actor " + id() + " incarnation " + incarnation + " on node " + node.self() + " cannot serve");
          continue;
        }
        stateLock.lock();
        try {
          EmberMetrics.ACTOR_CALLS.increment();
          execute(c);
        } finally {
          stateLock.unlock();
        }
      }
      Promise<Void> last = leaving;
      if (last != null && mailbox.isEmpty()) {
        leaving = null;
        checkpoint(nextIndex).onComplete(ar -> last.complete());
      }
    } finally {
      scheduled.set(false);
      if (!mailbox.isEmpty() || leaving != null) schedule();
    }
  }

  /** The outcome of one method run: bytes and digest, or a failure. */
  record Outcome(Buffer bytes, TaskDone.Failure failure, long digest) {
    boolean ok() {
      return failure == null;
    }
  }

  private void execute(ActorCallSpec c) {
    Outcome o = invoke(c.method(), c.args(), c.id());
    long index = nextIndex++;
    applied.put(c.caller(), c.seq());
    MethodLogEntry entry = new MethodLogEntry(index, c.id(), c.caller(), c.seq(), c.method(), c.args(), o.ok(), o.digest());
    Future<Void> logged;
    if (o.ok()) {
      node.store().put(c.returnId(), o.bytes());
      logged = node.writer().actorAppend(id(), incarnation, index, entry.encode(), c.id(), o.bytes().length());
    } else {
      failures.put(c.id(), o.failure());
      logged = node.writer().actorAppend(id(), incarnation, index, entry.encode());
    }
    logged.onComplete(ar -> {
      if (ar.succeeded()) {
        durable.merge(c.caller(), c.seq(), Math::max);
        node.replies().reply(c, o);
      } else {
        refusals.refused(this, c, ar.cause());
      }
    });
    maybeCheckpoint(index + 1);
  }

  /** A resync's fresh checkpoint, taken between two calls (state null: not Checkpointable); null if not serving or busy. */
  Checkpoint snapshot(long waitMs) throws InterruptedException {
    if (!stateLock.tryLock(waitMs, TimeUnit.MILLISECONDS)) return null;
    try {
      if (phase != Phase.SERVING) return null;
      Buffer state = target instanceof Checkpointable cp ? Values.encode(cp.saveCheckpoint()) : null;
      return new Checkpoint(nextIndex, state, new HashMap<>(applied));
    } finally {
      stateLock.unlock();
    }
  }

  /** Stores a successful outcome (or remembers a failure) under the call's object id. */
  private void record(ObjectId oid, long index, Outcome o) {
    if (o.ok()) {
      int size = o.bytes().length();
      node.store().put(oid, o.bytes());
      node.writer().objectCreated(oid, size, oid.task(), OutputRebuilder.outputKind(id(), index), node.self());
    } else {
      failures.put(oid.task(), o.failure());
    }
  }

  Outcome invoke(String method, List<TaskSpec.Arg> args, TaskId callId) {
    Ember outer = Current.forThread(); // a caller's thread may be running a task
    Current.setForThread(node.scopes().apply(callId));
    try {
      Object[] values = new Object[args.size()];
      for (int i = 0; i < values.length; i++) values[i] = node.argument(args.get(i));
      Object result = cls.invoke(target, method, values);
      Buffer bytes = Values.encode(result);
      if (bytes.length() > node.maxObjectBytes()) {
        throw new EmberException(ErrorCode.OBJECT_TOO_LARGE, cls.name() + "." + method + " returned " + bytes.length()
            + " bytes; the maximum object size is " + node.maxObjectBytes() + " (objects.maxObjectMb)");
      }
      return new Outcome(bytes, null, digest(bytes));
    } catch (EmberException e) {
      return failed(TaskDone.Failure.of(cls.name() + "." + method, e));
    } catch (Throwable user) {
      return failed(TaskDone.Failure.ofUser(cls.name() + "." + method, user));
    } finally {
      Current.setForThread(outer);
    }
  }

  private static Outcome failed(TaskDone.Failure f) {
    CRC32C crc = new CRC32C();
    byte[] t = (f.code() + " " + f.type() + ": " + f.message()).getBytes(StandardCharsets.UTF_8);
    crc.update(t);
    return new Outcome(null, f, (crc.getValue() << 32) | (t.length & 0xffffffffL) | Long.MIN_VALUE);
  }

  static long digest(Buffer bytes) {
    CRC32C crc = new CRC32C();
    crc.update(((BufferInternal) bytes).getByteBuf().nioBuffer());
    return (crc.getValue() << 32) | (bytes.length() & 0x7fffffffL);
  }

  private void maybeCheckpoint(long position) {
    if (!(target instanceof Checkpointable)) return;
    sinceCheckpoint++;
    int everyCalls = spec.checkpointCalls();
    long everyMs = spec.checkpointMs();
    boolean due = (everyCalls > 0 && sinceCheckpoint >= everyCalls)
        || (everyMs > 0 && System.nanoTime() - lastCheckpointNanos >= everyMs * 1_000_000L);
    if (due) checkpoint(position);
  }

  /** Writes a checkpoint at {@code position} (actor thread); completes when it is stored, or at once if not taken. */
  private Future<Void> checkpoint(long position) {
    if (!(target instanceof Checkpointable cp)) return Future.succeededFuture();
    sinceCheckpoint = 0;
    lastCheckpointNanos = System.nanoTime();
    try {
      Buffer state = Values.encode(cp.saveCheckpoint());
      if (state.length() > node.maxObjectBytes()) {
        LOG.warning("checkpoint of actor " + id() + " at " + position + " is " + state.length() + " bytes, more than the maximum object"
            + " size (objects.maxObjectMb): not stored; the actor is recreated from its log instead");
        return Future.succeededFuture();
      }
      byte[] blob = new Checkpoint(position, state, new HashMap<>(applied)).encode();
      return node.writer().actorCheckpoint(id(), incarnation, position, node.checkpointsKept(), blob)
          .onFailure(err -> LOG.warning("checkpoint of actor " + id() + " at " + position + " was not stored: " + err.getMessage()))
          .otherwiseEmpty();
    } catch (Throwable e) {
      LOG.warning("checkpoint of actor " + id() + " at " + position + " failed in user code: " + e);
      return Future.succeededFuture();
    }
  }

  // ---- construction and replay (actor threads) --------------------------------------------

  /** Runs the constructor with the spec's arguments. */
  void construct() throws Throwable {
    Current.setForThread(node.scopes().apply(spec.actor().task()));
    try {
      Object[] values = new Object[spec.args().size()];
      for (int i = 0; i < values.length; i++) values[i] = node.argument(spec.args().get(i));
      target = cls.construct(values);
    } finally {
      Current.setForThread(null);
    }
  }

  /** What a replay found: how many calls it re-ran and which of them gave another outcome than recorded. */
  record Replay(int replayed, List<Long> diverged) {}

  /**
   * Brings a fresh instance to the state after the loaded checkpoint and log: restores the
   * checkpoint, then re-runs each logged call in order, storing their outputs again. With
   * {@code storeOutputs} false (a rebuild's scratch instance) outputs are only compared.
   */
  Replay replay(Buffer checkpointBlob, long from, List<Buffer> entries, boolean storeOutputs) throws Throwable {
    construct();
    if (checkpointBlob != null) {
      Checkpoint k = Checkpoint.decode(checkpointBlob);
      ((Checkpointable) target).restoreCheckpoint(Values.decode(k.state()));
      applied.putAll(k.applied());
    }
    nextIndex = from;
    List<Long> diverged = new ArrayList<>();
    int n = 0;
    for (Buffer raw : entries) {
      MethodLogEntry e = MethodLogEntry.decode(raw);
      if (e.index() != nextIndex) throw new IllegalStateException("method log of actor " + id() + ": entry " + e.index()
          + " where " + nextIndex + " was expected");
      Outcome o = invoke(e.method(), e.args(), e.call());
      if (o.digest() != e.digest()) diverged.add(e.index());
      if (storeOutputs) record(ObjectId.of(e.call(), 1), e.index(), o);
      applied.put(e.caller(), e.seq());
      nextIndex++;
      n++;
    }
    if (storeOutputs) durable.putAll(applied);
    return new Replay(n, diverged);
  }
}
