package io.ember.bench;

import io.ember.api.Remote;
import java.util.Arrays;

/** The benchmark's functions: as cheap as possible, so that Ember's own cost is what is measured. */
@Remote
public final class BenchFns {
  private BenchFns() {}

  public static int noop() {
    return 0;
  }

  public static int identity(int x) {
    return x;
  }

  public static int size(byte[] b) {
    return b.length;
  }

  public static byte[] bytes(int n) {
    return new byte[n];
  }

  /** {@code n} bytes, all {@code (byte) v}: distinct objects for the transfer rows. */
  public static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }
}
