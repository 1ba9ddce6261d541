package io.ember.cluster.chaos;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The totals a counter may hold as seen by its only caller: one, unless calls failed (each may or may not have applied). */
final class PossibleTotals {
  private TreeSet<Long> totals = new TreeSet<>(List.of(0L));

  /** Whether {@code got} is what adding {@code n} can give; either way {@code got} is the total from now on. */
  boolean accept(int n, long got) {
    boolean ok = totals.contains(got - n);
    totals = new TreeSet<>(List.of(got));
    return ok;
  }

  void unsure(int n) {
    TreeSet<Long> more = new TreeSet<>(totals);
    for (long t : totals) more.add(t + n);
    totals = more;
  }

  Set<Long> totals() {
    return totals;
  }

  @Override
  public String toString() {
    return totals.size() <= 8 ? totals.toString() : totals.size() + " values in [" + totals.first() + ", " + totals.last() + "]";
  }
}
