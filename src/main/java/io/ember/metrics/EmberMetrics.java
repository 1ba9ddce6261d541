package io.ember.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Ember's own metric series, in the JVM's one Prometheus registry that the Vert.x and JVM series
 * share (see {@link MetricsSetup}); served at {@code GET /metrics} by {@link MetricsServer} when the
 * conf's {@code metrics.port} is set. Each series is documented in the README ("Metrics").
 *
 * <p>One registry per JVM, the meters static: a production node is one JVM, and the counters are
 * then bumped from anywhere with no wiring (a counter is an atomic add, cheap whether or not
 * anyone scrapes). Several nodes in one JVM (tests) share the series: counters add up, and a
 * gauge reads the first node that registered it. Never blocks, never throws into the caller.
 */
public final class EmberMetrics {
  private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** Tasks recorded as submitted (their PENDING row written), by the owners in this JVM. */
  public static final Counter TASKS_SUBMITTED = counter("ember.tasks.submitted", "tasks submitted by owners in this JVM");
  /** Tasks that finished with a value on this node. */
  public static final Counter TASKS_FINISHED = counter("ember.tasks.finished", "tasks that finished with a value on this node");
  /** Tasks that ended FAILED on this node (the function threw or could not run, or its owner cancelled it). */
  public static final Counter TASKS_FAILED = counter("ember.tasks.failed", "tasks that ended FAILED on this node");
  /** Actor method calls run on this node. */
  public static final Counter ACTOR_CALLS = counter("ember.actor.calls", "actor method calls run on this node");
  /** Objects written to the spill directory / dropped from memory with no spill file. */
  public static final Counter OBJECTS_SPILLED = counter("ember.objects.spilled", "objects spilled to disk");
  public static final Counter OBJECTS_DROPPED = counter("ember.objects.dropped", "objects dropped from memory without a spill file");
  /** Object bytes this node's transfer port sent to peers. */
  public static final Counter TRANSFER_BYTES_SENT = Counter.builder("ember.transfer.sent").baseUnit("bytes")
      .description("object bytes this node's transfer port sent to other nodes").register(REGISTRY);
  /** Batches of table writes Redis applied, and the time from sending one to Redis's reply. */
  public static final Timer REDIS_BATCHES = Timer.builder("ember.redis.batch")
      .description("batches of table writes applied by Redis: count, and time from send to reply").register(REGISTRY);

  private EmberMetrics() {}

  /** The registry to scrape, and to hand to Vert.x's Micrometer metrics. */
  public static PrometheusMeterRegistry registry() {
    return REGISTRY;
  }

  /** A recovery-ledger entry recorded by this node ({@code node-dead}, {@code task-resubmitted}, {@code leader}, ...). */
  public static void recovery(String kind) {
    Counter.builder("ember.recoveries").tag("kind", kind).description("recovery ledger entries written by this node, by kind")
        .register(REGISTRY).increment();
  }

  /** One Redis batch applied {@code nanos} after it was sent. */
  public static void redisBatch(long nanos) {
    REDIS_BATCHES.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A gauge read from {@code owner} at each scrape (held weakly: a closed component stops
   * counting). A later owner of the same series (a writer replaced after a resync, a node's
   * second start in one JVM) takes it over: Micrometer would keep the first owner's gauge and
   * ignore the new one with a warning, so the series would go on reading a discarded component.
   */
  public static <T> void gauge(String name, String description, T owner, ToDoubleFunction<T> read) {
    replace(Gauge.builder(name, owner, read).description(description), name, Tags.empty());
  }

  /** A gauge with one tag. */
  public static <T> void gauge(String name, String tag, String value, String description, T owner, ToDoubleFunction<T> read) {
    replace(Gauge.builder(name, owner, read).tag(tag, value).description(description), name, Tags.of(tag, value));
  }

  private static synchronized <T> void replace(Gauge.Builder<T> gauge, String name, Tags tags) {
    Gauge old = REGISTRY.find(name).tags(tags).gauge();
    if (old != null) REGISTRY.remove(old);
    gauge.register(REGISTRY);
  }

  private static Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(REGISTRY);
  }
}
