package io.ember.scheduler;

import io.ember.api.EmberException;
import io.ember.gcs.TaskState;
import io.ember.ids.ObjectId;
import io.ember.monitor.ClusterView;
import io.ember.node.NodeRuntime;
import io.ember.protocol.Addresses;
import io.ember.protocol.ErrorCode;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's scheduler (the seed's local scheduler): accepts tasks, waits until their argument
 * objects exist somewhere, places each on a node with free resources (this one first, another
 * when this one is busy: spillback), brings the arguments of tasks placed here into the local
 * store, and hands them to the {@link WorkerPool}. Runs on its verticle's event loop; the pool's
 * threads run the user code. Owns the {@link TaskState} transitions of the tasks it handles.
 */
public final class Scheduler {
  private final NodeRuntime rt;
  private final WorkerPool<TaskSpec> pool;
  private final TaskRunner runner;
  private final java.util.concurrent.ConcurrentLinkedDeque<TaskSpec> backlog = new java.util.concurrent.ConcurrentLinkedDeque<>();
  private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
  private final io.vertx.core.Context context;

  public Scheduler(NodeRuntime rt) {
    this.rt = rt;
    this.runner = new TaskRunner(rt.nodeId, rt.writer, rt.store, rt.functions, rt.client::forTask, rt.vertx.eventBus(),
        rt.transferHost, rt.transferPort, rt.conf.objects(), spec -> rt.vertx.runOnContext(v -> runHere(spec)));
    this.pool = new WorkerPool<>("ember-worker", rt.conf.cpus(), rt.conf.scheduler().maxBlockedWorkers(), runner);
    runner.pool(pool);
    // a worker ran dry: drain the backlog on the scheduler's context (at most one hop pending)
    this.context = rt.vertx.getOrCreateContext();
    pool.onIdle(() -> {
      if (!backlog.isEmpty() && drainScheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> {
          drainScheduled.set(false);
          drain();
        });
      }
    });
  }

  /** A new task submitted to this node (by a client, or by the event-bus API). */
  public void accept(TaskSpec spec) {
    if (!rt.functions.contains(spec.function())) {
      fail(spec, ErrorCode.UNKNOWN_FUNCTION, "function '" + spec.function() + "' is not registered on node " + rt.nodeId);
      return;
    }
    if (spec.attempt() == 0) {
      rt.writer.taskSubmitted(spec.id(), spec.encode().getBytes(), spec.job(), spec.function(), ownerId(spec));
    }
    // held by this node from now on: if it dies, the task is found in its task set
    rt.writer.taskState(spec.id(), TaskState.QUEUED, rt.nodeId, spec.attempt(), null);
    List<Future<?>> deps = new ArrayList<>();
    long deadline = System.currentTimeMillis() + rt.conf.scheduler().getTimeoutMs();
    for (TaskSpec.Arg a : spec.args()) {
      if (a.isRef() && !rt.store.contains(a.ref())) deps.add(rt.directory.locate(a.ref(), deadline));
    }
    if (deps.isEmpty()) {
      place(spec);
    } else {
      Future.all(deps).onComplete(ar -> {
        if (ar.succeeded()) place(spec);
        else failFrom(spec, ar.cause());
      });
    }
  }

  private static io.ember.ids.NodeId ownerId(TaskSpec spec) {
    return new io.ember.ids.NodeId(spec.owner());
  }

  /** Local first; spill to the least loaded feasible peer when every local slot is taken. */
  void place(TaskSpec spec) {
    boolean localFeasible = feasibleHere(spec);
    if (localFeasible && pool.busy() + pool.queued() < pool.slots()) {
      runHere(spec);
      return;
    }
    ClusterView.Peer best = null;
    ClusterView.Peer leastQueued = null;
    for (ClusterView.Peer p : rt.view.alive()) {
      if (p.id.equals(rt.nodeId) || !p.feasible(spec.resources())) continue;
      if (p.estimatedFree() > 0 && (best == null || p.estimatedFree() > best.estimatedFree())) best = p;
      if (leastQueued == null || p.queued + p.forwarded.get() < leastQueued.queued + leastQueued.forwarded.get()) leastQueued = p;
    }
    if (best != null) {
      forward(spec, best);
    } else if (localFeasible) {
      backlog.add(spec); // every slot in the cluster is taken: wait here, placed again as slots free up
    } else if (leastQueued != null) {
      forward(spec, leastQueued);
    } else {
      fail(spec, ErrorCode.UNAVAILABLE, "no live node has the resources " + spec.resources() + " that task "
          + spec.id() + " (" + spec.function() + ") asks for");
    }
  }

  /**
   * Places backlogged tasks as capacity appears: on this node while its pool has room (a few
   * queued beyond its slots, so workers never idle between tasks), else on peers that report
   * free slots. Called every few milliseconds and whenever a local task finishes.
   */
  void drain() {
    while (!backlog.isEmpty()) {
      if (pool.busy() + pool.queued() < 4 * pool.slots()) {
        runHere(backlog.poll());
        continue;
      }
      ClusterView.Peer best = null;
      TaskSpec next = backlog.peek();
      for (ClusterView.Peer p : rt.view.alive()) {
        if (p.id.equals(rt.nodeId) || !p.feasible(next.resources()) || p.estimatedFree() <= 0) continue;
        if (best == null || p.estimatedFree() > best.estimatedFree()) best = p;
      }
      if (best == null) return;
      forward(backlog.poll(), best);
    }
  }

  public int backlog() {
    return backlog.size();
  }

  private boolean feasibleHere(TaskSpec spec) {
    for (var e : spec.resources().entrySet()) {
      if (e.getValue() > 0 && rt.conf.resources().getOrDefault(e.getKey(), nodeResource(e.getKey())) < e.getValue()) return false;
    }
    return true;
  }

  /** Every node also has a resource named {@code node:<id>} (and {@code node:<name>}), for pinning tasks to it. */
  double nodeResource(String name) {
    if (name.equals("node:" + rt.nodeId) || (rt.conf.nodeName() != null && name.equals("node:" + rt.conf.nodeName()))) return 1.0;
    return 0.0;
  }

  public JsonObject advertisedResources() {
    JsonObject r = new JsonObject();
    rt.conf.resources().forEach(r::put);
    r.put("node:" + rt.nodeId, 1.0);
    if (rt.conf.nodeName() != null) r.put("node:" + rt.conf.nodeName(), 1.0);
    return r;
  }

  private void forward(TaskSpec spec, ClusterView.Peer peer) {
    peer.forwarded.incrementAndGet();
    // from now on the task is held by the peer: if it dies, the task is found in its task set
    rt.writer.taskState(spec.id(), TaskState.QUEUED, peer.id, spec.attempt(), null);
    rt.vertx.eventBus().send(Addresses.executeOn(peer.id), spec);
  }

  /** Runs a task on this node: fetches its argument objects here, then queues it for a worker. */
  public void runHere(TaskSpec spec) {
    List<Future<?>> fetches = new ArrayList<>();
    long deadline = System.currentTimeMillis() + rt.conf.scheduler().getTimeoutMs();
    for (TaskSpec.Arg a : spec.args()) {
      ObjectId ref = a.ref();
      if (ref != null && rt.store.getIfInMemory(ref) == null) fetches.add(rt.directory.fetch(ref, deadline));
    }
    if (fetches.isEmpty()) {
      pool.submit(spec);
      return;
    }
    Future.all(fetches).onComplete(ar -> {
      if (ar.succeeded()) pool.submit(spec);
      else failFrom(spec, ar.cause());
    });
  }

  private void failFrom(TaskSpec spec, Throwable err) {
    if (err instanceof EmberException e) fail(spec, e.code(), "task " + spec.id() + " (" + spec.function() + "): " + e.getMessage());
    else fail(spec, ErrorCode.INTERNAL, "task " + spec.id() + " (" + spec.function() + "): " + err);
  }

  private void fail(TaskSpec spec, ErrorCode code, String message) {
    runner.finishFailed(spec, new TaskDone.Failure(code, spec.function(), EmberException.class.getName(), message, null));
  }

  public WorkerPool<TaskSpec> pool() {
    return pool;
  }

  public void shutdown() {
    pool.shutdown();
  }
}
