package io.ember.scheduler;

import io.ember.api.EmberException;
import io.ember.gcs.TaskState;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.monitor.ClusterView;
import io.ember.api.Ember;
import io.ember.conf.EmberConf;
import io.ember.gcs.TableWriter;
import io.ember.ids.TaskId;
import io.ember.object.ObjectDirectory;
import io.ember.object.ObjectStore;
import io.vertx.core.Vertx;
import java.util.function.Function;
import io.ember.placement.Candidate;
import io.ember.placement.Placement;
import io.ember.protocol.Addresses;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskCancel;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.ember.protocol.Handoff;
import io.ember.util.Retry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A node's scheduler (the seed's local scheduler): accepts tasks, waits until their argument
 * objects exist somewhere, places each on a node with free resources (this one first, another
 * when this one is busy: spillback), brings the arguments of tasks placed here into the local
 * store, and hands them to the {@link WorkerPool}. Runs on its verticle's event loop; the pool's
 * threads run the user code. Owns the {@link TaskState} transitions of the tasks it handles.
 * Where a task goes is {@link Placement}'s rule; this class only gathers its inputs (the pool,
 * this node's resources, the peers' snapshot) and charges each forward to the peer it chose.
 */
public final class Scheduler {
  private final Vertx vertx;
  private final NodeId self;
  private final EmberConf conf;
  private final FunctionRegistry functions;
  private final TableWriter writer;
  private final ObjectStore store;
  private final ObjectDirectory directory;
  private final ClusterView view;
  private final WorkerPool<TaskSpec> pool;
  private final TaskRunner runner;
  private final Cancels cancels = new Cancels();
  /** A backlogged task runs here while the pool holds fewer than this many times its slots (so workers never idle). */
  private static final int BACKLOG_HEADROOM = 4;
  /** How often a stopping scheduler looks whether its running tasks are done. */
  private static final long QUIESCE_POLL_MS = 20;

  private final ConcurrentLinkedDeque<TaskSpec> backlog = new ConcurrentLinkedDeque<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Context context;
  /** What this node has: its conf resources and its {@code node:<id>}, {@code node:<name>} (unless conf sets them). */
  private final Map<String, Double> localResources;
  private final Supplier<List<Candidate>> peers;
  /** The task attempts handed to this node lately (a bounded memory: duplicates arrive within seconds). */
  private final Set<String> handed = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > HANDED_MAX;
    }
  }));
  private static final int HANDED_MAX = 200_000;
  /** How long a task no live node has the resources for waits for one before it fails. */
  static final long INFEASIBLE_WAIT_MS = 5_000;
  private final Map<TaskId, Waiting> waitingForResources = new ConcurrentHashMap<>();

  /** A task waiting for a node with its resources, since when. */
  private record Waiting(TaskSpec spec, long since) {}
  private final Handoff handoff;
  /** Set once this node stops: nothing new starts here from then on. */
  private volatile boolean leaving;

  /**
   * Built on its verticle's event loop (that context is where the backlog drains).
   *
   * @param scopes the Ember a task running here sees (its nested submissions descend from its id)
   * @param transferHost where this node's object manager serves results ({@code transferPort} likewise)
   */
  public Scheduler(Vertx vertx, NodeId self, EmberConf conf, FunctionRegistry functions, TableWriter writer, ObjectStore store,
      ObjectDirectory directory, ClusterView view, Function<TaskId, Ember> scopes, String transferHost, int transferPort) {
    this.vertx = vertx;
    this.self = self;
    this.conf = conf;
    this.functions = functions;
    this.writer = writer;
    this.store = store;
    this.directory = directory;
    this.view = view;
    this.localResources = new LinkedHashMap<>(conf.resources());
    localResources.putIfAbsent("node:" + self, 1.0);
    if (conf.nodeName() != null) localResources.putIfAbsent("node:" + conf.nodeName(), 1.0);
    this.peers = view::candidates; // built only when a task does not stay here
    this.handoff = new Handoff(vertx, Clock.systemUTC());
    this.runner = new TaskRunner(self, writer, store, functions, scopes, vertx.eventBus(), transferHost, transferPort,
        conf.objects(), spec -> vertx.runOnContext(v -> runHere(spec)), cancels);
    this.pool = new WorkerPool<>("ember-worker", conf.cpus(), conf.scheduler().maxBlockedWorkers(), runner);
    runner.pool(pool);
    // a worker ran dry: drain the backlog on the scheduler's context (at most one hop pending)
    this.context = vertx.getOrCreateContext();
    pool.onIdle(() -> {
      if (!backlog.isEmpty() && drainScheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> {
          drainScheduled.set(false);
          drain();
        });
      }
    });
  }

  /**
   * True the first time this node is handed {@code spec}'s attempt (as a submission or a
   * forward): a re-sent hand-off whose first copy did arrive is held once, not run twice here.
   */
  public boolean firstCopy(TaskSpec spec) {
    return handed.add(spec.id() + "#" + spec.attempt());
  }

  /** True while this node's table writer is saturated: it takes no new submission (see {@code TableWriter#saturated}). */
  public boolean saturated() {
    return writer.saturated();
  }

  /** A new task submitted to this node (by a client, or by the event-bus API). */
  public void accept(TaskSpec spec) {
    if (!functions.contains(spec.function())) {
      fail(spec, ErrorCode.UNKNOWN_FUNCTION, "function '" + spec.function() + "' is not registered on node " + self);
      return;
    }
    if (spec.attempt() == 0) {
      writer.taskSubmitted(spec.id(), spec.encode().getBytes(), spec.job(), spec.function(), spec.owner());
    } else {
      // a re-run: its row may be gone (an emptied Redis, expired lineage), and its spec with it
      writer.taskSpecKept(spec.id(), spec.encode().getBytes(), spec.job(), spec.function(), spec.owner());
    }
    // held by this node from now on: if it dies, the task is found in its task set
    writer.taskState(spec.id(), TaskState.QUEUED, self, spec.attempt(), null);
    List<Future<?>> deps = new ArrayList<>();
    long deadline = System.currentTimeMillis() + conf.scheduler().getTimeoutMs();
    for (TaskSpec.Arg a : spec.args()) {
      if (a.isRef() && !store.contains(a.ref())) deps.add(directory.locate(a.ref(), spec.owner(), deadline));
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

  /** Local first; spill to the least loaded feasible peer when every local slot is taken ({@link Placement#forTask}). */
  void place(TaskSpec spec) {
    if (droppedAsCancelled(spec)) return;
    if (leaving) {
      handOn(spec);
      return;
    }
    Candidate local = new Candidate(self, pool.slots(), pool.busy(), pool.queued(), localResources, 0, true);
    Placement.TaskChoice choice = Placement.forTask(local, peers, spec.resources());
    switch (choice.kind()) {
      case HERE -> runHere(spec);
      case FORWARD -> forward(spec, choice.node());
      case BACKLOG -> backlog.add(spec); // every slot in the cluster is taken: wait here, placed again as slots free up
      case INFEASIBLE -> waitForResources(spec);
    }
  }

  /**
   * No live node this scheduler knows of has the resources: the task waits up to
   * {@value #INFEASIBLE_WAIT_MS} ms for one (a node that just joined is known here once its first
   * heartbeat arrives; a peer passed over after an unacknowledged forward comes back), placed
   * again at each drain; then it fails with UNAVAILABLE.
   */
  private void waitForResources(TaskSpec spec) {
    waitingForResources.putIfAbsent(spec.id(), new Waiting(spec, System.currentTimeMillis()));
  }

  private void placeWaiting() {
    if (waitingForResources.isEmpty()) return;
    long now = System.currentTimeMillis();
    Candidate local = new Candidate(self, pool.slots(), pool.busy(), pool.queued(), localResources, 0, true);
    for (Waiting w : waitingForResources.values()) {
      TaskSpec spec = w.spec();
      boolean feasible = Placement.forTask(local, peers, spec.resources()).kind() != Placement.Kind.INFEASIBLE;
      if (!feasible && now - w.since() < INFEASIBLE_WAIT_MS) continue;
      waitingForResources.remove(spec.id());
      if (feasible) place(spec);
      else fail(spec, ErrorCode.UNAVAILABLE, "no live node has the resources " + spec.resources() + " that task " + spec.id()
          + " (" + spec.function() + ") asks for (waited " + INFEASIBLE_WAIT_MS + " ms for one)");
    }
  }

  /**
   * Places backlogged tasks as capacity appears: on this node while its pool has room (a few
   * queued beyond its slots, so workers never idle between tasks), else on peers that report
   * free slots ({@link Placement#forBacklogged}). Called every few milliseconds and whenever a
   * local task finishes.
   */
  void drain() {
    placeWaiting();
    while (!backlog.isEmpty()) {
      boolean room = pool.busy() + pool.queued() < BACKLOG_HEADROOM * pool.slots();
      Placement.TaskChoice choice = Placement.forBacklogged(self, room, peers, backlog.peek().resources());
      switch (choice.kind()) {
        case HERE -> runHere(backlog.poll());
        case FORWARD -> forward(backlog.poll(), choice.node());
        default -> {
          return;
        }
      }
    }
  }

  public int backlog() {
    return backlog.size();
  }

  /** What this node advertises in its heartbeats: conf resources, and {@code node:<id>} (and {@code node:<name>}) for pinning tasks to it. */
  public Map<String, Double> advertisedResources() {
    Map<String, Double> r = new LinkedHashMap<>(conf.resources());
    r.put("node:" + self, 1.0);
    if (conf.nodeName() != null) r.put("node:" + conf.nodeName(), 1.0);
    return r;
  }

  private void forward(TaskSpec spec, NodeId node) {
    ClusterView.Peer peer = view.find(node);
    if (peer != null) peer.forwarded.incrementAndGet(); // charged until its next report: the next choice sees one slot less
    // from now on the task is held by the peer: if it dies, the task is found in its task set
    writer.taskState(spec.id(), TaskState.QUEUED, node, spec.attempt(), null);
    handoff.once(Addresses.executeOn(node), spec, System.currentTimeMillis() + Handoff.ACK_TIMEOUT_MS).onFailure(err -> takeBack(spec, node, err));
  }

  /**
   * A forward nobody acknowledged (the peer died, hangs, or is not reachable from here yet): the
   * task is held here again and placed anew. If the peer did get it after all, its copy and the
   * new one may both run: a task may run more than once, and its result is the same.
   */
  private void takeBack(TaskSpec spec, NodeId node, Throwable err) {
    if (!Handoff.retryable(err)) return; // the peer refused it: it answered the owner itself
    ClusterView.Peer peer = view.find(node);
    if (peer != null) peer.unreachableFor(UNREACHABLE_MS);
    writer.taskState(spec.id(), TaskState.QUEUED, self, spec.attempt(), null);
    context.runOnContext(v -> place(spec));
  }

  /** How long a peer that did not acknowledge a forward is passed over. */
  private static final long UNREACHABLE_MS = 1_000;

  /** Runs a task on this node: fetches its argument objects here, then queues it for a worker. */
  public void runHere(TaskSpec spec) {
    if (droppedAsCancelled(spec)) return;
    if (leaving) {
      handOn(spec);
      return;
    }
    List<Future<?>> fetches = new ArrayList<>();
    long deadline = System.currentTimeMillis() + conf.scheduler().getTimeoutMs();
    for (TaskSpec.Arg a : spec.args()) {
      ObjectId ref = a.ref();
      if (ref != null && store.getIfInMemory(ref) == null) fetches.add(directory.fetch(ref, spec.owner(), deadline));
    }
    if (fetches.isEmpty()) {
      pool.submit(spec);
      return;
    }
    Future.all(fetches).onComplete(ar -> {
      if (ar.failed()) failFrom(spec, ar.cause());
      else if (droppedAsCancelled(spec)) return;
      else if (leaving) handOn(spec);
      else pool.submit(spec);
    });
  }

  /**
   * An owner cancelled a task (on the scheduler's context): remembered (a copy still on its way is
   * dropped when it arrives); if it waits here (the pool's queue, the backlog, waiting for
   * resources) it is dropped and reported CANCELLED; if it runs here its thread is interrupted and
   * the runner reports it when the function returns. A task waiting for its arguments or their
   * transfer here is dropped once they arrive. Nothing happens to another owner's task of that id.
   */
  public void cancel(TaskCancel c) {
    cancels.cancel(c);
    Predicate<TaskSpec> it = spec -> spec.id().equals(c.task()) && cancels.cancelled(spec);
    List<TaskSpec> dropped = new ArrayList<>(pool.takeQueued(it));
    for (TaskSpec spec : backlog) if (it.test(spec) && backlog.remove(spec)) dropped.add(spec);
    Waiting w = waitingForResources.get(c.task());
    if (w != null && it.test(w.spec()) && waitingForResources.remove(c.task(), w)) dropped.add(w.spec());
    dropped.forEach(runner::finishCancelled);
  }

  /** A task its owner cancelled is not placed nor run: reported CANCELLED instead. True if so. */
  private boolean droppedAsCancelled(TaskSpec spec) {
    if (!cancels.cancelled(spec)) return false;
    runner.finishCancelled(spec);
    return true;
  }

  /**
   * This node stops (on the scheduler's context): nothing new starts here from now on. Tasks not
   * started yet (in the pool's queue, in the backlog, and any that still arrive) go to a peer
   * with a free slot, or stay QUEUED at this node for the leave script to mark LOST, so that
   * their owners re-run them at once. Running tasks go on.
   */
  public void stopTaking() {
    leaving = true;
    List<TaskSpec> waiting = new ArrayList<>(pool.takeQueued());
    for (TaskSpec spec = backlog.poll(); spec != null; spec = backlog.poll()) waiting.add(spec);
    waiting.forEach(this::handOn);
  }

  public boolean leaving() {
    return leaving;
  }

  /** Completes once no task runs or waits here any more, or at {@code deadline} (epoch ms), whichever is first. */
  public Future<Void> quiesce(Clock clock, long deadline) {
    return Retry.every(vertx, clock, QUIESCE_POLL_MS).until(deadline, () -> pool.busy() + pool.blockedNow() == 0
        ? Future.<Void>succeededFuture()
        : Future.<Void>failedFuture(new IllegalStateException("tasks still running"))).otherwiseEmpty();
  }

  private void handOn(TaskSpec spec) {
    Placement.TaskChoice choice = Placement.forBacklogged(self, false, peers, spec.resources());
    if (choice.kind() == Placement.Kind.FORWARD) forward(spec, choice.node());
    // else it stays QUEUED here: the leave script marks it LOST and its owner re-runs it
  }

  private void failFrom(TaskSpec spec, Throwable err) {
    if (err instanceof EmberException e) {
      fail(spec, e.code(), "task " + spec.id() + " (" + spec.function() + "): " + e.getMessage(), TaskDone.Failure.subjectOf(e));
    } else {
      fail(spec, ErrorCode.INTERNAL, "task " + spec.id() + " (" + spec.function() + "): " + err, null);
    }
  }

  private void fail(TaskSpec spec, ErrorCode code, String message) {
    fail(spec, code, message, null);
  }

  private void fail(TaskSpec spec, ErrorCode code, String message, String subject) {
    runner.finishFailed(spec, new TaskDone.Failure(code, spec.function(), EmberException.class.getName(), message, null, subject));
  }

  public WorkerPool<TaskSpec> pool() {
    return pool;
  }

  public void shutdown() {
    pool.shutdown();
  }
}
