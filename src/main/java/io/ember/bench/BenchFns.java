package io.ember.bench;

import io.ember.api.Remote;

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
}
