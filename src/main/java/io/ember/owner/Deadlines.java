package io.ember.owner;

import io.ember.api.GetTimeoutException;
import io.ember.ids.ObjectId;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deadlines of gets waiting for results this client owns, swept every {@value #SWEEP_MS}
 * ms instead of one timer per get: at tens of thousands of gets a second, a timer each (a
 * task handed to an event loop, then cancelled) cost more than the work it guarded. A get
 * fails with {@link GetTimeoutException} at most one sweep after its deadline.
 */
public final class Deadlines {
  public static final long SWEEP_MS = 50;

  /** One waiting get; ordered by deadline, then by arrival. */
  record Entry(long deadline, long seq) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private record Waiter(Promise<Buffer> promise, ObjectId id, long startedAt) {}

  private final ConcurrentSkipListMap<Entry, Waiter> waiting = new ConcurrentSkipListMap<>();
  private final AtomicLong seq = new AtomicLong();

  public Deadlines() {}

  Entry add(long deadline, Promise<Buffer> promise, ObjectId id) {
    Entry e = new Entry(deadline, seq.incrementAndGet());
    waiting.put(e, new Waiter(promise, id, System.currentTimeMillis()));
    return e;
  }

  void remove(Entry e) {
    waiting.remove(e);
  }

  /** Fails every get whose deadline is before {@code now}. */
  void expire(long now) {
    Map.Entry<Entry, Waiter> first;
    while ((first = waiting.firstEntry()) != null && first.getKey().deadline() <= now) {
      if (waiting.remove(first.getKey()) == null) continue;
      Waiter w = first.getValue();
      w.promise().tryFail(new GetTimeoutException(w.id().toString(), Duration.ofMillis(first.getKey().deadline() - w.startedAt()), null));
    }
  }

  int size() {
    return waiting.size();
  }
}
