package io.ember.cluster.chaos;

import io.ember.api.ActorHandle;
import io.ember.api.ObjectRef;
import io.ember.examples.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The only caller of its counter: batches of 1-20 pipelined increments, each result the exact running total. */
final class DriverCounterLoop extends Loop {
  private final ActorHandle<Counter> counter;
  private final PossibleTotals totals = new PossibleTotals();
  private long callNo;

  DriverCounterLoop(String name, ActorHandle<Counter> counter, Workload w, Random rnd) {
    super("counter " + name, w, rnd);
    this.counter = counter;
  }

  @Override
  void once() {
    int batch = 1 + rnd.nextInt(20);
    int[] ns = new int[batch];
    List<ObjectRef<Long>> refs = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      ns[i] = 1 + rnd.nextInt(9);
      refs.add(counter.task(Counter::incr, ns[i]).remote());
    }
    for (int i = 0; i < batch; i++) checkCall(ns[i], refs.get(i));
    pause(10 + rnd.nextInt(50));
  }

  private void checkCall(int n, ObjectRef<Long> ref) {
    callNo++;
    String call = getName() + " call #" + callNo + " incr(" + n + ")";
    try {
      long v = get(ref, call);
      String before = totals.toString();
      if (totals.accept(n, v)) w.calls.ok.incrementAndGet();
      else w.calls.wrong(call + " of actor " + counter.id() + ": got " + v + ", the total before it was " + before);
    } catch (RuntimeException e) {
      w.calls.failed(call + " " + ref.id(), e);
      totals.unsure(n);
    }
  }

  @Override
  void finalCheck() {
    try {
      long total = get(counter.task(Counter::get).remote(), getName() + " final get");
      boolean ok = totals.totals().contains(total);
      result = getName() + ": final total " + total + ", acknowledged calls allow " + totals + (ok ? " ok" : " WRONG");
      if (ok) w.calls.ok.incrementAndGet();
      else w.calls.wrong(result);
    } catch (RuntimeException e) {
      w.calls.failed(getName() + " final get", e);
      result = getName() + ": final get failed: " + e;
    }
  }
}
