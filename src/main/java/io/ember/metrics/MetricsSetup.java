package io.ember.metrics;

import io.vertx.core.VertxBuilder;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.core.VertxOptions;

/**
 * Turns on Vert.x's Micrometer metrics (event bus, net and HTTP servers and clients, pools) and the
 * JVM's (memory, GC, threads, classes, CPU) in Ember's registry, for a Vert.x about to be built.
 * Only when metrics are served: unserved, Vert.x's own metrics would cost the event loops for nothing.
 */
public final class MetricsSetup {
  private MetricsSetup() {}

  /** {@code options} with metrics on, for {@link #withMetrics}. */
  public static VertxOptions enable(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
  }

  /** The builder with Ember's registry as Vert.x's metrics backend (its options from {@link #enable}). */
  public static VertxBuilder withMetrics(VertxBuilder builder) {
    return builder.withMetrics(new MicrometerMetricsFactory(EmberMetrics.registry()));
  }
}
