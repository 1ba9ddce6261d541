package io.ember.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a task runs: its resource demand (default {@code cpu: 1}) and its retry budgets. System
 * failures (the node running it died) are retried up to {@code maxRetries} times (default 3);
 * an exception thrown by user code is retried only if {@code retryExceptions} is set. A task may
 * return several values ({@code numReturns}), each stored as an object of its own.
 */
public final class TaskOptions {
  private final Map<String, Double> resources = new LinkedHashMap<>(Map.of("cpu", 1.0));
  private int maxRetries = 3;
  private boolean retryExceptions;
  private int numReturns = 1;
  /** The most return values one task may have. */
  public static final int MAX_RETURNS = 1024;

  public TaskOptions resource(String name, double amount) {
    if (amount < 0) throw new IllegalArgumentException("resource '" + name + "' must be >= 0, got " + amount);
    resources.put(name, amount);
    return this;
  }

  public TaskOptions maxRetries(int n) {
    if (n < 0) throw new IllegalArgumentException("maxRetries must be >= 0, got " + n);
    this.maxRetries = n;
    return this;
  }

  public TaskOptions retryExceptions(boolean retry) {
    this.retryExceptions = retry;
    return this;
  }

  /** How many values the task returns, each an object of its own (1 to {@value #MAX_RETURNS}; default 1). */
  public TaskOptions numReturns(int n) {
    if (n < 1 || n > MAX_RETURNS) throw new IllegalArgumentException("numReturns must be 1.." + MAX_RETURNS + ", got " + n);
    this.numReturns = n;
    return this;
  }

  public int numReturns() {
    return numReturns;
  }

  public Map<String, Double> resources() {
    return resources;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public boolean retryExceptions() {
    return retryExceptions;
  }
}
