package io.ember.testing;

import io.ember.api.ActorHandle;
import io.ember.api.Remote;
import io.ember.examples.Counter;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Functions the integration tests register through the conf key {@code functions}. */
public final class TestFns {
  private TestFns() {}

  /** Which node ran this: proves placement. */
  @Remote
  public static String whereAmI() {
    return System.getProperty("ember.conf.source");
  }

  @Remote
  public static long addSlow(long a, long b, int ms) {
    LockSupport.parkNanos(ms * 1_000_000L); // simulated work
    return a + b;
  }

  /** A leaf of the fault tests' DAGs: x squared, after {@code ms} of simulated work. */
  @Remote
  public static long squareSlow(long x, int ms) {
    LockSupport.parkNanos(ms * 1_000_000L); // simulated work
    return x * x;
  }

  /** A deterministic function of a byte array (for lineage chains). */
  @Remote
  public static byte[] mix(byte[] in, int k) {
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i++) out[i] = (byte) (in[i] * 31 + k + i);
    return out;
  }

  /** Burns one core for {@code ms} milliseconds (no sleeping): for the no-false-positive test. */
  @Remote
  public static long spin(int ms) {
    long end = System.nanoTime() + ms * 1_000_000L;
    long x = 0;
    while (System.nanoTime() < end) x += Long.numberOfTrailingZeros(x + 1);
    return x;
  }

  /** Calls a counter actor through a handle passed as an argument: the call is this task's. */
  @Remote
  public static long incrVia(ActorHandle<Counter> counter, int n) {
    return counter.task(Counter::incr, n).remote().get();
  }

  /** Calls {@code counter.incr(1)} n times, one after another with {@code ms} between, and returns every value it saw. */
  @Remote
  public static ArrayList<Long> incrMany(ActorHandle<Counter> counter, int n, int ms) {
    ArrayList<Long> seen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      seen.add(counter.task(Counter::incr, 1).remote().get());
      LockSupport.parkNanos(ms * 1_000_000L); // paced, so a failure lands mid-way
    }
    return seen;
  }

  /** Blocks for {@code ms} (a long task for the cancel tests); an interrupt ends it at once. */
  @Remote
  public static long block(int ms) throws InterruptedException {
    new CountDownLatch(1).await(ms, TimeUnit.MILLISECONDS);
    return ms;
  }

  /** Three return values (numReturns 3): x, x squared, and the node that ran it. */
  @Remote
  public static Object[] parts(long x) {
    return new Object[] {x, x * x, whereAmI()};
  }

  /** Not @Remote: registration must refuse to run it. */
  public static long secret() {
    return 42;
  }
}
