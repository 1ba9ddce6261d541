package io.ember.bench;

/** Placeholder until the benchmark lands. */
public final class Microbenchmark {
  private Microbenchmark() {}

  public static int run(String[] args) {
    System.err.println("microbenchmark: not built yet");
    return 1;
  }
}
