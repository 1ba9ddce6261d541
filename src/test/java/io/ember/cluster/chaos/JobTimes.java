package io.ember.cluster.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The wall time of every DAG job that gave the right value, by kind, split by whether a fault overlapped it. */
final class JobTimes {
  /** A job's run, in {@link System#nanoTime()}. */
  record Job(String kind, long startNanos, long endNanos) {
    long ms() {
      return (endNanos - startNanos) / 1_000_000;
    }

    boolean overlaps(FaultWindow w) {
      return startNanos < w.endNanos() && endNanos > w.startNanos();
    }
  }

  /** From a fault until some seconds after its victim was declared dead, resumed or replaced. */
  record FaultWindow(long startNanos, long endNanos) {}

  /** p50 and max of some job times, in ms. */
  public record Times(long p50Ms, long maxMs, int jobs) {
    static Times of(Collection<Job> jobs) {
      long[] s = jobs.stream().mapToLong(Job::ms).sorted().toArray();
      return s.length == 0 ? new Times(0, 0, 0) : new Times(s[s.length / 2], s[s.length - 1], s.length);
    }

    @Override
    public String toString() {
      return jobs == 0 ? "no jobs" : String.format("p50 %d ms, max %d ms (%d jobs)", p50Ms, maxMs, jobs);
    }
  }

  private final Collection<Job> jobs = new ConcurrentLinkedQueue<>();

  void add(String kind, long startNanos) {
    jobs.add(new Job(kind, startNanos, System.nanoTime()));
  }

  Map<String, Times> byKind() {
    Map<String, List<Job>> kinds = new TreeMap<>();
    for (Job j : jobs) kinds.computeIfAbsent(j.kind(), k -> new ArrayList<>()).add(j);
    Map<String, Times> out = new TreeMap<>();
    kinds.forEach((k, v) -> out.put(k, Times.of(v)));
    return out;
  }

  Times all() {
    return Times.of(jobs);
  }

  /** Times of the jobs that overlapped a fault window ({@code overlapped}) or none. */
  Times split(List<FaultWindow> windows, boolean overlapped) {
    return Times.of(jobs.stream().filter(j -> windows.stream().anyMatch(j::overlaps) == overlapped).toList());
  }
}
