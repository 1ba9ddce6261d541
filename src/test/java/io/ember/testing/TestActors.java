package io.ember.testing;

import io.ember.api.ActorHandle;
import io.ember.api.Checkpointable;
import io.ember.examples.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Actor classes the integration tests register through the conf key {@code actors.classes}. */
public final class TestActors {
  private TestActors() {}

  /**
   * Returns large outputs (past the inline limit, so they live in the object store) that depend
   * on its state: call k returns n bytes of value k mod 251. For the lost-output tests.
   */
  public static final class Blob implements Checkpointable {
    private int calls;

    public byte[] next(int n) {
      calls++;
      byte[] b = new byte[n];
      Arrays.fill(b, (byte) (calls % 251));
      return b;
    }

    public int calls() {
      return calls;
    }

    @Override
    public Object saveCheckpoint() {
      return calls;
    }

    @Override
    public void restoreCheckpoint(Object checkpoint) {
      calls = (Integer) checkpoint;
    }
  }

  /** Its constructor throws: creating it must end in ActorDied. */
  public static final class Broken {
    public Broken() {
      throw new IllegalStateException("broken on purpose");
    }

    public int ping() {
      return 1;
    }
  }

  /** Not deterministic: a replay of it gives other values (the divergence the ledger records). */
  public static final class Clock {
    public long now() {
      return System.nanoTime();
    }
  }

  /** Holds a handle to another actor and calls it: handles pass to actors, and nested calls are exactly-once. */
  public static final class Relay {
    private final ActorHandle<Counter> counter;

    public Relay(ActorHandle<Counter> counter) {
      this.counter = counter;
    }

    public long forward(int n) {
      return counter.task(Counter::incr, n).remote().get();
    }
  }

  /** Records every value in order and can say how many calls it applied (for ordering checks). */
  public static final class Log implements Checkpointable {
    private ArrayList<Integer> seen = new ArrayList<>();

    public int add(int v) {
      seen.add(v);
      return seen.size();
    }

    public List<Integer> seen() {
      return new ArrayList<>(seen);
    }

    @Override
    public Object saveCheckpoint() {
      return new ArrayList<>(seen);
    }

    @SuppressWarnings("unchecked")
    @Override
    public void restoreCheckpoint(Object checkpoint) {
      seen = new ArrayList<>((List<Integer>) checkpoint);
    }
  }

  /**
   * Counts its calls; {@code nap(ms)} holds the actor for {@code ms} first, so that calls made
   * after it queue behind it (for the kill tests). Checkpointable, so its checkpoints exist too.
   */
  public static final class Slow implements Checkpointable {
    private int calls;

    public int nap(int ms) {
      if (ms > 0) LockSupport.parkNanos(ms * 1_000_000L); // simulated work, as TestFns.squareSlow
      return ++calls;
    }

    @Override
    public Object saveCheckpoint() {
      return calls;
    }

    @Override
    public void restoreCheckpoint(Object checkpoint) {
      calls = (Integer) checkpoint;
    }
  }
}
