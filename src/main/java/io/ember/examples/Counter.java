package io.ember.examples;

import io.ember.api.Checkpointable;

/**
 * The example actor: a counter whose state survives its node (its calls are logged and replayed,
 * and it checkpoints its value). Methods are deterministic, as Ember's replay needs them to be.
 */
public final class Counter implements Checkpointable {
  private long value;

  public Counter() {
  }

  public Counter(long start) {
    this.value = start;
  }

  /** Adds {@code n}; returns the new value. */
  public long incr(int n) {
    value += n;
    return value;
  }

  public long get() {
    return value;
  }

  @Override
  public Object saveCheckpoint() {
    return value;
  }

  @Override
  public void restoreCheckpoint(Object checkpoint) {
    value = ((Number) checkpoint).longValue();
  }
}
