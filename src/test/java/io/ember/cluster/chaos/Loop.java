package io.ember.cluster.chaos;

import static io.ember.cluster.chaos.ChaosLog.say;

import io.ember.api.ObjectRef;
import java.util.Random;

/** One workload thread: repeats {@link #once} until the run is over; every get goes through {@link #get}. */
abstract class Loop extends Thread {
  final Workload w;
  final Random rnd;
  volatile long busySince;
  volatile String doing = "";
  /** The final check's verdict, printed in the summary; null if the loop has none. */
  volatile String result;

  Loop(String name, Workload w, Random rnd) {
    super(name);
    this.w = w;
    this.rnd = rnd;
    setDaemon(true);
  }

  abstract void once();

  /** After the run: checks what only the end can show (a counter's final total). */
  void finalCheck() {}

  @Override
  public void run() {
    while (!w.over()) {
      try {
        once();
      } catch (RuntimeException e) {
        w.harnessErrors.incrementAndGet();
        say("HARNESS ERROR in %s: %s", getName(), e);
        e.printStackTrace(System.out);
      }
    }
  }

  <T> T get(ObjectRef<T> ref, String what) {
    doing = what + " " + ref.id();
    busySince = System.currentTimeMillis();
    try {
      return ref.get(w.get);
    } finally {
      busySince = 0;
    }
  }

  boolean stuck() {
    long since = busySince;
    return since != 0 && System.currentTimeMillis() - since > w.stuckMs;
  }

  void pause(int ms) {
    try {
      Thread.sleep(ms); // paces this caller; not a wait for a condition
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A DAG job: its value checked exactly, its time recorded by kind. */
  void check(String kind, String job, ObjectRef<?> ref, Object expected, long t0) {
    try {
      Object v = get(ref, job);
      if (!expected.equals(v)) {
        w.jobs.wrong(job + ": got " + v + ", expected " + expected + " (object " + ref.id() + ")");
      } else {
        w.jobs.ok.incrementAndGet();
        w.times.add(kind, t0);
      }
    } catch (RuntimeException e) {
      w.jobs.failed(job + " " + ref.id(), e);
    }
  }
}
