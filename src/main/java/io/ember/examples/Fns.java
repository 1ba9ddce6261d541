package io.ember.examples;

import io.ember.api.ActorHandle;
import io.ember.api.Ember;
import io.ember.api.ObjectRef;
import io.ember.api.Remote;
import java.util.List;

/** Example remote functions: the main job's, the README's and the tests'. */
@Remote
public final class Fns {
  private Fns() {}

  public static long add(long a, long b) {
    return a + b;
  }

  public static long square(long x) {
    return x * x;
  }

  /** Sums a list of numbers (a JSON array arrives as a List). */
  public static long sum(List<? extends Number> xs) {
    long s = 0;
    for (Number n : xs) s += n.longValue();
    return s;
  }

  /** Nested tasks: each level submits two children and waits for them inside the task. */
  public static long fib(int n) {
    if (n < 2) return n;
    Ember ember = Ember.current();
    ObjectRef<Long> a = ember.task(Fns::fib, n - 1).remote();
    ObjectRef<Long> b = ember.task(Fns::fib, n - 2).remote();
    return a.get() + b.get();
  }

  /** {@code n} bytes whose content depends on {@code seed}: a large object that is cheap to check. */
  public static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    int x = seed * 0x9E3779B1;
    for (int i = 0; i < n; i++) {
      x = x * 1103515245 + 12345;
      b[i] = (byte) (x >>> 24);
    }
    return b;
  }

  /** A checksum of a byte array (FNV-1a, 64 bits). */
  public static long checksum(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte v : b) {
      h ^= v & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  public static int length(byte[] b) {
    return b.length;
  }

  public static String greet(String name) {
    return "hello, " + name;
  }

  /** Always throws: for the error-path tests. */
  public static long fail(String message) {
    throw new IllegalStateException(message);
  }

  /** Returns something Ember cannot serialise. */
  public static Object unserialisable() {
    return new Object();
  }

  /** Adds {@code n} to a counter actor through its handle (a task calling an actor); returns the new value. */
  public static long bump(ActorHandle<Counter> counter, int n) {
    return counter.task(Counter::incr, n).remote().get();
  }
}
