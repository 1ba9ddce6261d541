package io.ember.cluster.chaos;

import static io.ember.cluster.chaos.ChaosLog.say;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.GetTimeoutException;
import io.ember.api.TaskFailedException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts of one kind of result; failures by error code; prints the first of each problem in detail. */
final class Tally {
  final String what;
  final AtomicLong ok = new AtomicLong();
  final AtomicLong wrong = new AtomicLong();
  final AtomicLong hung = new AtomicLong();
  private final Map<String, AtomicLong> failed = new ConcurrentSkipListMap<>();
  private final AtomicInteger printed = new AtomicInteger();

  private final Consumer<String> explain;

  /** {@code explain} is given the text of each failure printed in detail (it prints what the tables say of it). */
  Tally(String what, Consumer<String> explain) {
    this.what = what;
    this.explain = explain;
  }

  void wrong(String detail) {
    wrong.incrementAndGet();
    say("WRONG %s: %s", what, detail);
  }

  /** A failed get: classified, counted, never retried. A deadline that passed is a hung get. */
  void failed(String which, Throwable t) {
    Throwable e = unwrap(t);
    if (hung(e)) hung.incrementAndGet();
    else failed.computeIfAbsent(kindOf(e), k -> new AtomicLong()).incrementAndGet();
    if (printed.incrementAndGet() <= 40) {
      say("%s %s %s: %s", hung(e) ? "HUNG" : "FAILED", what, which, e);
      explain.accept(which + " " + e.getMessage());
    }
  }

  /** Results compared with the value they must have. */
  long checked() {
    return ok.get() + wrong.get();
  }

  long failedTotal() {
    return failed.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Failures by error code (or remote exception type for a task that threw, or class for an untyped one). */
  Map<String, Long> failedByCode() {
    Map<String, Long> out = new TreeMap<>();
    failed.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  String line() {
    return String.format("ok %d wrong %d failed %d%s hung %d", ok.get(), wrong.get(), failedTotal(),
        failed.isEmpty() ? "" : " " + failedByCode(), hung.get());
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
    return t;
  }

  static String kindOf(Throwable e) {
    if (e instanceof TaskFailedException tf) return "TASK_FAILED(" + tf.remoteType() + ")";
    if (e instanceof EmberException ee) return ee.code().name();
    return e.getClass().getSimpleName();
  }

  /** A deadline passed: in this get, or in a get inside the task (a nested Fibonacci, a task calling an actor). */
  static boolean hung(Throwable e) {
    if (e instanceof GetTimeoutException) return true;
    if (e instanceof TaskFailedException tf) return tf.remoteType() != null && tf.remoteType().endsWith("GetTimeoutException");
    return e instanceof EmberException ee && ee.code() == ErrorCode.TIMEOUT;
  }
}
