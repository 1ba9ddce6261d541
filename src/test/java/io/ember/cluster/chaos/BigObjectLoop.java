package io.ember.cluster.chaos;

import io.ember.api.ObjectRef;
import io.ember.examples.Fns;
import io.ember.testing.TestFns;
import java.util.Arrays;
import java.util.Random;

/** 1-10 MB of a seeded pattern, mixed by a second task, checksummed by a third; a third of the time the mixed bytes come back here too. */
final class BigObjectLoop extends Loop {
  BigObjectLoop(Workload w, Random rnd) {
    super("big-object-loop", w, rnd);
  }

  @Override
  void once() {
    long t0 = System.nanoTime();
    int size = (1 + rnd.nextInt(10)) << 20;
    int seed = rnd.nextInt(1_000_000);
    int k = rnd.nextInt(100);
    boolean fetch = rnd.nextInt(3) == 0;
    ObjectRef<byte[]> a = w.ember.task(Fns::bytes, size, seed).remote();
    ObjectRef<byte[]> b = w.ember.task(TestFns::mix, a, k).remote();
    ObjectRef<Long> sum = w.ember.task(Fns::checksum, b).remote();
    byte[] want = TestFns.mix(Fns.bytes(size, seed), k);
    String job = "checksum(mix(bytes(" + size + ", " + seed + "), " + k + "))";
    if (fetch) checkFetched(job, sum, b, want, t0);
    else check("bigObject", job, sum, Fns.checksum(want), t0);
  }

  private void checkFetched(String job, ObjectRef<Long> sum, ObjectRef<byte[]> b, byte[] want, long t0) {
    try {
      long got = get(sum, job);
      byte[] bytes = get(b, "mix bytes");
      int at = Arrays.mismatch(bytes, want);
      if (got != Fns.checksum(want)) w.jobs.wrong(job + ": checksum " + got + ", expected " + Fns.checksum(want));
      else if (at >= 0) w.jobs.wrong(job + ": fetched bytes differ first at index " + at + " (length " + bytes.length + ")");
      else {
        w.jobs.ok.incrementAndGet();
        w.times.add("bigObject+fetch", t0);
      }
    } catch (RuntimeException e) {
      w.jobs.failed(job + " " + sum.id(), e);
    }
  }
}
