package io.ember.client;

import io.ember.ids.ActorId;
import io.ember.ids.TaskId;
import io.ember.owner.InFlightGate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out the deterministic ids of one submitter's (a driver's, a task's or an actor call's)
 * submissions, in order, and its per-actor call sequence numbers (1, 2, ...): a re-run
 * submitter regenerates the same (caller, seq) pairs, which is what makes actor calls
 * exactly-once across retries.
 */
final class IdSource {
  private final TaskId parent;
  private final InFlightGate gate;
  private final AtomicLong counter = new AtomicLong();
  private final Map<ActorId, AtomicLong> seqs = new ConcurrentHashMap<>(4);

  IdSource(TaskId parent) {
    this(parent, null);
  }

  /** With {@code gate}: each new submission is admitted by it first (it may wait, or refuse with UNAVAILABLE). */
  IdSource(TaskId parent, InFlightGate gate) {
    this.parent = parent;
    this.gate = gate;
  }

  TaskId next() {
    if (gate != null) gate.admit();
    return TaskId.child(parent, counter.getAndIncrement());
  }

  /** The submitter's own id: the caller of its actor calls. */
  TaskId parent() {
    return parent;
  }

  long nextSeq(ActorId actor) {
    return seqs.computeIfAbsent(actor, a -> new AtomicLong()).incrementAndGet();
  }
}
