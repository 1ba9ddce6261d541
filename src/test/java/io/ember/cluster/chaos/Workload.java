package io.ember.cluster.chaos;

import io.ember.client.EmberClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** What every workload loop shares: the client, the get deadline, the tallies, the job times and when to stop. */
final class Workload {
  final EmberClient ember;
  final Duration get;
  final long stuckMs;
  final Tally jobs;
  final Tally calls;
  final JobTimes times = new JobTimes();
  final AtomicInteger harnessErrors = new AtomicInteger();
  private final BooleanSupplier over;

  Workload(EmberClient ember, ChaosSettings settings, BooleanSupplier over, Consumer<String> explain) {
    this.ember = ember;
    this.jobs = new Tally("DAG job", explain);
    this.calls = new Tally("actor call", explain);
    this.get = settings.get();
    this.stuckMs = settings.stuckMs();
    this.over = over;
  }

  boolean over() {
    return over.getAsBoolean();
  }
}
