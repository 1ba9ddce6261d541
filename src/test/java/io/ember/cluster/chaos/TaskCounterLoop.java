package io.ember.cluster.chaos;

import io.ember.api.ActorHandle;
import io.ember.api.ObjectRef;
import io.ember.examples.Counter;
import io.ember.examples.Fns;
import io.ember.testing.TestFns;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tasks call this counter through its handle ({@code Fns.bump}, and now and then
 * {@code TestFns.incrMany}): every value seen must be new, and the final total must equal the
 * acknowledged increments (plus at most those whose task failed).
 */
final class TaskCounterLoop extends Loop {
  private final ActorHandle<Counter> counter;
  private final Set<Long> seen = ConcurrentHashMap.newKeySet();
  private long acked;
  private long unsure;

  TaskCounterLoop(String name, ActorHandle<Counter> counter, Workload w, Random rnd) {
    super("counter " + name, w, rnd);
    this.counter = counter;
  }

  @Override
  void once() {
    if (rnd.nextInt(5) == 0) incrMany(5 + rnd.nextInt(20));
    else bumps(1 + rnd.nextInt(8));
    pause(10 + rnd.nextInt(50));
  }

  private void bumps(int k) {
    int[] ns = new int[k];
    List<ObjectRef<Long>> refs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      ns[i] = 1 + rnd.nextInt(9);
      refs.add(w.ember.task(Fns::bump, counter, ns[i]).remote());
    }
    for (int i = 0; i < k; i++) {
      String call = "task bump(" + ns[i] + ") of actor " + counter.id();
      try {
        long v = get(refs.get(i), call);
        acked += ns[i];
        if (seen.add(v)) w.calls.ok.incrementAndGet();
        else w.calls.wrong(call + ": value " + v + " was already seen (an increment applied twice or lost)");
      } catch (RuntimeException e) {
        w.calls.failed(call + " " + refs.get(i).id(), e);
        unsure += ns[i];
      }
    }
  }

  private void incrMany(int m) {
    ObjectRef<ArrayList<Long>> ref = w.ember.task(TestFns::incrMany, counter, m, 2).remote();
    String call = "task incrMany(" + m + ") of actor " + counter.id();
    try {
      List<Long> vs = get(ref, call);
      acked += m;
      boolean ok = vs.size() == m;
      for (int i = 0; i < vs.size(); i++) ok &= seen.add(vs.get(i)) && (i == 0 || vs.get(i) > vs.get(i - 1));
      if (ok) w.calls.ok.incrementAndGet();
      else w.calls.wrong(call + ": values " + vs + " (each must be new and rise)");
    } catch (RuntimeException e) {
      w.calls.failed(call + " " + ref.id(), e);
      unsure += m;
    }
  }

  @Override
  void finalCheck() {
    try {
      long total = get(counter.task(Counter::get).remote(), getName() + " final get");
      long max = seen.stream().mapToLong(Long::longValue).max().orElse(0);
      boolean ok = total >= acked && total <= acked + unsure && max <= total;
      result = String.format("%s: final total %d, acknowledged %d, unsure (failed tasks) %d, highest value seen %d%s",
          getName(), total, acked, unsure, max, ok ? " ok" : " WRONG");
      if (ok) w.calls.ok.incrementAndGet();
      else w.calls.wrong(result);
    } catch (RuntimeException e) {
      w.calls.failed(getName() + " final get", e);
      result = getName() + ": final get failed: " + e;
    }
  }
}
