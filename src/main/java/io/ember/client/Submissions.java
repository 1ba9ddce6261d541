package io.ember.client;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.TaskOptions;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.owner.OwnedTasks;
import io.ember.protocol.Addresses;
import io.ember.protocol.Handoff;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A client's task submissions: builds the spec of a new task (owned by this client), tracks it,
 * and hands it to a node's scheduler ({@link Handoff}: re-sent until a node acknowledges it or the
 * default timeout passes, then failed {@code UNAVAILABLE}). Recovery and reconciliation re-send
 * through {@link #handOff} too. It never decides to re-run a task.
 */
final class Submissions {
  private final ClientId self;
  private final JobId job;
  private final OwnedTasks tasks;
  private final Supplier<NodeId> home;
  private final Handoff handoff;
  private final long defaultTimeoutMs;
  private final Clock clock;

  Submissions(Vertx vertx, ClientId self, JobId job, OwnedTasks tasks, Supplier<NodeId> home, long defaultTimeoutMs, Clock clock) {
    this.self = self;
    this.job = job;
    this.tasks = tasks;
    this.home = home;
    this.handoff = new Handoff(vertx, clock);
    this.defaultTimeoutMs = defaultTimeoutMs;
    this.clock = clock;
  }

  /** Submits a new task from {@code source}: its spec, tracked and handed to the home node. */
  TaskSpec submit(IdSource source, String function, Object[] args, TaskOptions opts) {
    TaskSpec spec = new TaskSpec(source.next(), job, function, TaskArgs.encode(args), new LinkedHashMap<>(opts.resources()),
        opts.maxRetries(), opts.retryExceptions(), self, 0, opts.numReturns());
    tasks.track(spec);
    handOff(home.get(), spec);
    return spec;
  }

  /** Hands a task to {@code first}, then to the home (it may move), until the default timeout; fails it if no node held it. */
  void handOff(NodeId first, TaskSpec spec) {
    long deadline = clock.millis() + defaultTimeoutMs;
    AtomicBoolean firstTry = new AtomicBoolean(true);
    Supplier<NodeId> to = () -> tasks.handedTo(spec.id(), firstTry.getAndSet(false) ? first : home.get()); // its result comes from there
    handoff.deliver(() -> Addresses.submitTo(to.get()), spec, deadline).onFailure(err ->
        tasks.fail(spec.id(), new EmberException(ErrorCode.UNAVAILABLE, "task " + spec.id() + " (" + spec.function()
            + "): no node acknowledged it within " + defaultTimeoutMs + " ms: " + err.getMessage())));
  }
}
