package io.ember.scheduler;

import io.ember.ids.NodeId;
import io.ember.protocol.Heartbeat;
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.ember.protocol.Handoff;
import io.ember.protocol.JsonDoor;
import io.ember.protocol.TaskCancel;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.LongSupplier;

/**
 * The scheduler's event-bus face: binary submissions from clients ({@code ember.node.<id>.submit}),
 * tasks placed here by other schedulers ({@code .execute}), the public JSON {@code ember.submit} and
 * {@code ember.cancel}, owners' cancels ({@code ember.tasks.cancel}, published to every node),
 * and this scheduler's heartbeat (which carries its load, for spillback placement elsewhere).
 * Decodes, delegates to {@link Scheduler} and {@link JsonSubmit}, replies; holds no scheduling
 * logic itself.
 */
public final class SchedulerVerticle extends VerticleBase {
  private final NodeId self;
  private final LongSupplier epoch;
  private final String busNodeId;
  private final Supplier<Scheduler> schedulers;
  private final JsonSubmit jsonSubmit;
  private final IntSupplier actorsHosted;
  private final int heartbeatIntervalMs;
  private final Clock clock;
  private Scheduler scheduler;
  private long timer;
  private long drainTimer;

  /**
   * @param schedulers   builds the scheduler on this verticle's context (it binds to the context it is built on)
   * @param actorsHosted how many actors this node hosts now (the actor host is deployed before this verticle)
   */
  public SchedulerVerticle(NodeId self, LongSupplier epoch, String busNodeId, Supplier<Scheduler> schedulers, JsonSubmit jsonSubmit,
      IntSupplier actorsHosted, int heartbeatIntervalMs, Clock clock) {
    this.self = self;
    this.epoch = epoch;
    this.busNodeId = busNodeId;
    this.schedulers = schedulers;
    this.jsonSubmit = jsonSubmit;
    this.actorsHosted = actorsHosted;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    scheduler = schedulers.get();
    var bus = vertx.eventBus();
    // both hand-offs are acknowledged once held here; a re-sent copy of one already held is only acknowledged.
    // New submissions are not acknowledged while the table writer is saturated (Redis away): back-pressure
    // on intake, the submitter re-sends until its deadline; tasks forwarded by peers are work already taken
    var submit = bus.consumer(Addresses.submitTo(self), Handoff.withheldWhile(scheduler::saturated,
        Codecs.acknowledged(Addresses.submitTo(self), TaskSpec.class, t -> {
          if (scheduler.firstCopy(t)) scheduler.accept(t);
        })));
    var execute = bus.consumer(Addresses.executeOn(self), Codecs.acknowledged(Addresses.executeOn(self), TaskSpec.class, t -> {
      if (scheduler.firstCopy(t)) scheduler.runHere(t);
    }));
    var json = bus.consumer(Addresses.SUBMIT, JsonDoor.serve("submit", m -> jsonSubmit.submit(m.body())));
    var jsonCancel = bus.consumer(Addresses.CANCEL_TASK, JsonDoor.serve("cancel", m -> jsonSubmit.cancel(m.body())));
    var cancels = bus.consumer(Addresses.CANCEL, Codecs.consumer(Addresses.CANCEL, TaskCancel.class, scheduler::cancel));
    drainTimer = vertx.setPeriodic(5, t -> scheduler.drain());
    // the first heartbeat (which makes this node placeable elsewhere) only once its consumers are registered
    return Future.all(submit.completion(), execute.completion(), json.completion(), jsonCancel.completion(), cancels.completion())
        .andThen(ar -> {
          heartbeat();
          timer = vertx.setPeriodic(heartbeatIntervalMs, t -> heartbeat());
        });
  }

  private void heartbeat() {
    WorkerPool<TaskSpec> pool = scheduler.pool();
    Heartbeat hb = Heartbeat.scheduler(self, epoch.getAsLong(), clock.millis(), busNodeId,
        new Heartbeat.Load(scheduler.leaving() ? 0 : pool.slots(), pool.busy(), pool.queued() + scheduler.backlog(), pool.blockedNow(),
            scheduler.advertisedResources(), actorsHosted.getAsInt()));
    vertx.eventBus().publish(Addresses.HEARTBEAT, hb);
  }

  /**
   * This node stops: the scheduler takes no more work (and says so at once in a heartbeat with
   * no slots, so that peers stop placing here), then running tasks have until {@code deadline}
   * (epoch ms) to finish. Completes on this verticle's context.
   */
  public Future<Void> leave(long deadline) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      scheduler.stopTaking();
      heartbeat();
      scheduler.quiesce(clock, deadline).onComplete(done);
    });
    return done.future();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(drainTimer);
    scheduler.shutdown();
    return Future.succeededFuture();
  }
}
