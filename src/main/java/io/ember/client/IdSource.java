package io.ember.client;

import io.ember.ids.ActorId;
import io.ember.ids.TaskId;
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
  private final AtomicLong counter = new AtomicLong();
  private final Map<ActorId, AtomicLong> seqs = new ConcurrentHashMap<>(4);

  IdSource(TaskId parent) {
    this.parent = parent;
  }

  TaskId next() {
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
