package io.ember.bench;

/** The benchmark's actor: as cheap as possible, so that Ember's own cost is what is measured. */
public final class BenchActor {
  private long calls;

  public BenchActor() {
  }

  public long noop() {
    return ++calls;
  }

  public int identity(int x) {
    calls++;
    return x;
  }
}
