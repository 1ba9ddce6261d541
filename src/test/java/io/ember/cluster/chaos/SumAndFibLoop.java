package io.ember.cluster.chaos;

import io.ember.cluster.FaultToleranceTest;
import io.ember.examples.Fns;
import java.util.Random;

/** A sum of squares over 200-400 slow leaves (2n-1 tasks), or now and then a nested fib(8..11). */
final class SumAndFibLoop extends Loop {
  SumAndFibLoop(Workload w, Random rnd) {
    super("dag-loop", w, rnd);
  }

  @Override
  void once() {
    long t0 = System.nanoTime();
    if (rnd.nextInt(4) == 0) {
      int n = 8 + rnd.nextInt(4);
      check("fib", "fib(" + n + ")", w.ember.task(Fns::fib, n).remote(), fib(n), t0);
    } else {
      int n = 200 + rnd.nextInt(201);
      int leafMs = 1 + rnd.nextInt(4);
      check("sumOfSquares", "sumOfSquares(" + n + ")", FaultToleranceTest.sumOfSquares(w.ember, n, leafMs),
          FaultToleranceTest.expected(n), t0);
    }
  }

  static long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }
}
