package io.ember.client;

import io.ember.actor.ActorHost;
import io.ember.api.ActorCreation;
import io.ember.api.ActorHandle;
import io.ember.api.Ember;
import io.ember.api.EmberException;
import io.ember.api.ObjectRef;
import io.ember.api.TaskCall;
import io.ember.api.TaskOptions;
import io.ember.api.WaitResult;
import io.ember.conf.EmberConf;
import io.ember.gcs.Gcs;
import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.monitor.ClusterView;
import io.ember.monitor.VerdictFanout;
import io.ember.object.LiveLocation;
import io.ember.object.Location;
import io.ember.object.ObjectDirectory;
import io.ember.object.ObjectStore;
import io.ember.object.PutCopies;
import io.ember.object.TransferClient;
import io.ember.owner.ActorCalls;
import io.ember.owner.CompletionCheck;
import io.ember.owner.Deadlines;
import io.ember.owner.Ledger;
import io.ember.owner.ObjectGetter;
import io.ember.owner.ObjectRecovery;
import io.ember.owner.Reconciler;
import io.ember.owner.OwnedTasks;
import io.ember.owner.OwnerRequests;
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.ember.api.ErrorCode;
import io.ember.protocol.JsonDoor;
import io.ember.protocol.ActorsPlaced;
import io.ember.protocol.NodeDeath;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import io.ember.util.Retry;
import io.ember.security.ClusterSecurity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The Java API's implementation, a facade: submission, put, actor creation and calls, status and
 * close, wired to the owner side ({@link OwnedTasks}, {@link ObjectGetter}, {@link ObjectRecovery},
 * {@link ActorCalls}). A client owns the tasks it submits: their results come to its inbox, and
 * it answers other nodes that wait for them. A node has one client of its own (for the event-bus
 * API and for tasks submitted from inside tasks); a driver JVM that is not a node connects with
 * {@link #connect(Vertx)} and sends its tasks to one node, its home. It holds no recovery or
 * fetching logic of its own.
 */
public final class EmberClient implements ActorCaller, ObjectDirectory.OwnerLookup {

  /** What a node's own client uses of its node (its JSON doors' in-flight limit too, and where puts are kept twice); null for a driver. */
  public record Local(NodeId node, ObjectStore store, ObjectDirectory directory, PutCopies puts, BooleanSupplier fenced,
      EmberConf.Actors actorDefaults, Supplier<ActorHost> actors, int maxInFlight) {}

  private final Vertx vertx;
  private final ClientId clientId;
  private final Local local;
  private final IdSource ids;
  private final long defaultTimeoutMs;
  private final ClusterView view;
  private final Clock clock;
  private final Home home;
  private final OwnedTasks tasks = new OwnedTasks();
  private final OwnerRequests requests;
  private final Submissions submissions;
  private final Reconciler reconciler;
  private final ObjectRecovery recovery;
  private final ObjectGetter getter;
  private final ActorCalls actorCalls;
  private final ActorAdmin admin;
  private final Puts puts;
  private final Inbox completions;
  private final Waits waits;
  private final CancelRoute cancels;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long actorTick = -1;
  private long deadlineTick = -1;

  private EmberClient(Vertx vertx, ClientId clientId, Local local, NodeId home, JobId job, long defaultTimeoutMs,
      TransferClient transfers, ClusterView view, Gcs gcs, Ledger ledger, Clock clock) {
    this.vertx = vertx;
    this.clientId = clientId;
    this.local = local;
    this.home = new Home(home, view, local == null ? null : local.node(), local == null ? () -> false : local.fenced(), clock);
    this.ids = new IdSource(TaskId.driverOf(job), tasks.gate()); // nested submissions (forTask) are not gated: they never wait
    tasks.gate().limit(local != null ? local.maxInFlight() : DriverConnection.maxInFlight(), defaultTimeoutMs);
    this.defaultTimeoutMs = defaultTimeoutMs;
    this.view = view;
    this.clock = clock;
    this.requests = new OwnerRequests(vertx, this.home, clock);
    this.submissions = new Submissions(vertx, clientId, job, tasks, this.home, defaultTimeoutMs, clock);
    LiveLocation live = local == null ? LiveLocation.remote(view)
        : new LiveLocation(local.node(), local.store()::contains, local.directory()::self, view);
    ObjectRecovery.ActorOutputs rebuild = (oid, kind, deadline) -> {
      ActorHost host = local == null ? null : local.actors().get();
      return host != null ? host.rebuild(oid, kind, deadline) : requests.rebuildAtHome(oid, kind, deadline);
    };
    this.recovery = new ObjectRecovery(clientId, this.home, tasks, gcs.tasks()::claim, ObjectRecovery.Lineage.of(gcs),
        requests, rebuild, submissions::handOff, live, ledger,
        Retry.every(vertx, clock, 50), clock);
    this.getter = new ObjectGetter(tasks, new Deadlines(), vertx.getOrCreateContext(), local == null ? null : local.directory(),
        transfers, requests, recovery, clock);
    this.reconciler = new Reconciler(clientId, tasks, Reconciler.Rows.of(gcs.tasks()), Reconciler.deadOrSilent(view, clock), recovery,
        submissions::handOff, defaultTimeoutMs, clock);
    this.puts = new Puts(clientId, tasks, local, requests, defaultTimeoutMs, this::deliver);
    this.actorCalls = new ActorCalls(clientId, tasks, ActorCalls.ActorRows.of(gcs.actors()), new ActorWire(vertx, local,
        defaultTimeoutMs), view, this.home, defaultTimeoutMs, Retry.every(vertx, clock, 50), clock, System::nanoTime);
    this.admin = new ActorAdmin(vertx, gcs.actors(), actorCalls, defaultTimeoutMs, clock);
    this.waits = new Waits(vertx, getter::bytesOf);
    this.cancels = new CancelRoute(vertx, clientId, tasks, gcs.tasks(), defaultTimeoutMs);
    this.completions = new Inbox(tasks, actorCalls, gcs.tasks(), Retry.backoff(vertx, clock, 20, CompletionCheck.ROW_EVERY_MS), clock, clientId, this::deliver);
  }

  /** The client of a node: owner of its event-bus submissions and nested tasks. */
  public static Future<EmberClient> forNode(Vertx vertx, Local local, long getTimeoutMs, TransferClient transfers,
      ClusterView view, Gcs gcs, Ledger ledger, VerdictFanout deaths, Clock clock) {
    NodeId node = local.node();
    EmberClient c = new EmberClient(vertx, ClientId.ofNode(node), local, node, JobId.named("node:" + node), getTimeoutMs, transfers, view,
        gcs, ledger, clock);
    return c.listen(deaths);
  }

  /** A driver on a clustered Vert.x that is not itself a node; its tasks go to any one node. */
  public static Future<EmberClient> connect(Vertx vertx) {
    return connect(vertx, JobId.random(), 60_000);
  }

  /** As {@link #connect(Vertx)}, for a named job: a restarted driver regenerates the same ids. */
  public static Future<EmberClient> connect(Vertx vertx, JobId job, long defaultTimeoutMs) {
    return DriverConnection.open(vertx, job, defaultTimeoutMs);
  }

  /** A driver's client: no node of its own, its home the node that answered, a view of its own. */
  static Future<EmberClient> driver(Vertx vertx, NodeId home, JobId job, long defaultTimeoutMs, Gcs gcs, Ledger ledger, Clock clock) {
    EmberClient c = new EmberClient(vertx, ClientId.random(), null, home, job, defaultTimeoutMs,
        new TransferClient(vertx, Long.MAX_VALUE, ClusterSecurity.joinedTls()), new ClusterView(), gcs, ledger, clock);
    VerdictFanout deaths = new VerdictFanout(vertx, VerdictFanout.Check.of(gcs.nodes())); // a driver hears verdicts itself
    return deaths.listen(vertx.eventBus()).compose(v -> c.listen(deaths));
  }

  private Future<EmberClient> listen(VerdictFanout deaths) {
    Codecs.register(vertx.eventBus());
    MessageConsumer<Object> inbox = vertx.eventBus().consumer(Addresses.clientInbox(clientId),
        Codecs.consumer(Addresses.clientInbox(clientId), TaskDone.class, completions::received));
    MessageConsumer<Object> waits = vertx.eventBus().consumer(Addresses.clientWait(clientId),
        JsonDoor.serve("wait", m -> tasks.answerWait(m.body(), clientId, defaultTimeoutMs, this::stillThere)));
    MessageConsumer<Object> cancel = vertx.eventBus().consumer(Addresses.clientCancel(clientId), JsonDoor.serve("cancel", m -> cancels.answer(m.body())));
    deaths.add(vertx.getOrCreateContext(), new VerdictFanout.Listener() {
      @Override
      public void onNodeDead(NodeDeath verdict) {
        EmberClient.this.onNodeDead(verdict.node(), verdict.reason(), Set.copyOf(verdict.lost()));
        actorCalls.onNodeDead(verdict);
      }

      @Override
      public void onActorsPlaced(ActorsPlaced placed) {
        actorCalls.onPlaced(placed.actors());
      }
    });
    consumers.addAll(List.of(inbox, waits, cancel));
    actorTick = vertx.setPeriodic(1000, t -> {
      actorCalls.tick();
      home.check();
      reconciler.round();
    });
    deadlineTick = vertx.setPeriodic(Deadlines.SWEEP_MS, t -> getter.sweep());
    List<Future<?>> ready = new ArrayList<>(List.of(inbox.completion(), waits.completion(), cancel.completion()));
    if (local == null) {
      MessageConsumer<Object> hb = DriverConnection.hearHeartbeats(vertx, view, clock);
      consumers.add(hb);
      ready.add(hb.completion());
    }
    return Future.all(ready).map(v -> this);
  }

  public ClientId id() {
    return clientId;
  }

  long defaultTimeoutMs() {
    return defaultTimeoutMs;
  }

  /** The Ember that a task running on a worker thread sees: nested submissions descend from its id. */
  public Ember forTask(TaskId task) {
    return new ScopedEmber(this, new IdSource(task));
  }

  // ---- submission and put -----------------------------------------------------------------

  @Override
  public <R> TaskCall<R> call(Serializable f, Object... args) {
    return taskByName(Lambdas.functionName(f), args);
  }

  @Override
  public <R> TaskCall<R> taskByName(String function, Object... args) {
    int dot = function.lastIndexOf('.');
    if (dot > 0) valuesOf(function.substring(0, dot));
    return new TaskCallImpl<>(this, ids, function, args);
  }

  /** A driver decodes values of the classes it calls; a node's client never widens its policy (names come from requests). */
  private void valuesOf(String className) {
    if (local == null) Values.allowPackageOf(className);
  }

  /** Submits a task; one reference per return object, in order. */
  <R> List<ObjectRef<R>> submit(IdSource source, String function, Object[] args, TaskOptions opts) {
    List<ObjectRef<R>> refs = new ArrayList<>(opts.numReturns());
    for (ObjectId oid : submissions.submit(source, function, args, opts).returnIds()) refs.add(new ObjectRefImpl<>(oid, this));
    return refs;
  }

  @Override
  public <T> ObjectRef<T> put(T value) {
    return put(ids, value);
  }

  <T> ObjectRef<T> put(IdSource source, T value) {
    return new ObjectRefImpl<>(puts.put(source, value), this);
  }

  // ---- results ----------------------------------------------------------------------------

  /** A result for this client (inbox, or a component in the same JVM, any thread). */
  public void deliver(TaskDone done) {
    if (done.node() != null && view.isDead(done.node()) && done.ok()) {
      return; // a result sent by a node declared dead (a zombie): its task has been or will be re-run
    }
    if (actorCalls.onDone(done)) return; // an actor call to re-send where its actor is now, or its actor died
    tasks.complete(done);
  }

  /** Where an object this client owns is, once its task is done; null if this client does not own it. */
  @Override
  public Future<Location> ownedLocation(ObjectId id) {
    Future<Location> f = tasks.location(id);
    return f == null ? null : f.compose(l -> stillThere(id, l, clock.millis() + defaultTimeoutMs));
  }

  /** A copy on a node since declared dead is made to exist again before anyone is sent there (it may never have been recorded). */
  private Future<Location> stillThere(ObjectId id, Location recorded, long deadline) {
    if (recorded.node() == null || !view.isDead(recorded.node())) return Future.succeededFuture(recorded);
    return recovery.recover(id, "object " + id + ": its copy was on node " + recorded.node() + ", which died", deadline);
  }

  @Override
  public Future<Location> askOwner(ClientId owner, ObjectId id, long deadline) {
    if (!owner.equals(clientId)) return requests.ask(owner, id, deadline);
    Future<Location> mine = ownedLocation(id);
    return mine != null ? mine : Future.failedFuture(new EmberException(ErrorCode.UNKNOWN_OBJECT, "client " + clientId + " does not own object " + id));
  }

  /** The decoded value of any object, within {@code timeoutMs}; decoded on a worker thread, never an event loop. */
  public Future<Object> valueOf(ObjectId id, long timeoutMs) {
    return getter.bytesOf(id, clock.millis() + timeoutMs).compose(this::decoded);
  }

  @SuppressWarnings("unchecked")
  <T> Future<T> decoded(Buffer bytes) {
    return vertx.executeBlocking(() -> (T) Values.decode(bytes), false);
  }

  Future<Buffer> bytesOf(ObjectId id, long deadline) {
    return getter.bytesOf(id, deadline);
  }

  @Override
  public <T> WaitResult<T> wait(List<? extends ObjectRef<T>> refs, int numReady, Duration timeout) {
    return waits.await(refs, numReady, timeout);
  }

  @Override
  public <T> List<T> getAll(List<? extends ObjectRef<T>> refs, Duration timeout) {
    return waits.getAll(refs, timeout);
  }

  /** Wait and get-many as futures, for code on event loops (the JSON doors). */
  public Waits waits() {
    return waits;
  }

  @Override
  public boolean cancel(ObjectRef<?> ref) {
    return cancels.cancelNow(ObjectId.parse(ref.id()));
  }

  /** Cancels the task creating {@code id}, here or at its owner (see {@link #cancel(ObjectRef)}). */
  public Future<Boolean> cancel(ObjectId id) {
    return cancels.cancel(id);
  }

  /** A reference to an existing object by id, resolved through this client. */
  public <T> ObjectRef<T> ref(ObjectId id) {
    return new ObjectRefImpl<>(id, this);
  }

  // ---- recovery ---------------------------------------------------------------------------

  /**
   * The acting monitor declared {@code dead} dead: every reaction of the owner side, once per
   * verdict. Marks it dead, moves home off it, and re-runs what this client owns that it took
   * down ({@code lost}; everything in flight when it was this client's home). The actor route
   * reacts separately ({@link ActorCalls#onNodeDead}).
   */
  public void onNodeDead(NodeId dead, String why, Set<TaskId> lost) {
    view.markDead(dead);
    boolean homeDied = home.died(dead);
    recovery.recoverLost(homeDied, lost, "node " + dead + " died (" + why + ")", clock.millis() + defaultTimeoutMs);
    reconciler.afterVerdict(lost);
  }

  /** Makes sure object {@code id} exists again and says where (see {@link ObjectRecovery}). */
  @Override
  public Future<Location> recover(ObjectId id, String reason, long deadline) {
    return recovery.recover(id, reason, deadline);
  }

  // ---- actors -----------------------------------------------------------------------------

  @Override
  public <A> ActorCreation<A> actorByName(String className, Object... args) {
    valuesOf(className);
    return new ActorCreationImpl<>(this, ids, className, args);
  }

  /** Kills and name lookups of actors (the JSON doors use it too). */
  @Override
  public ActorAdmin admin() {
    return admin;
  }

  @Override
  public <R> ObjectRef<R> callActor(ActorId actor, String method, Object[] args) {
    return callActor(ids, actor, method, args);
  }

  <R> ObjectRef<R> callActor(IdSource source, ActorId actor, String method, Object[] args) {
    List<TaskSpec.Arg> encoded = TaskArgs.encode(args);
    TaskId id = source.next();
    return ref(actorCalls.call(id, source.parent(), source.nextSeq(actor), actor, method, encoded));
  }

  <A> ActorHandle<A> create(IdSource source, String className, Object[] args, ActorCreationImpl.Options o) {
    List<TaskSpec.Arg> encoded = TaskArgs.encode(args);
    ActorId id = ActorId.of(source.next());
    actorCalls.create(o.spec(id, className, encoded, local != null ? local.actorDefaults() : null, clientId), o.onNode());
    return new ActorHandleImpl<>(id, this);
  }

  /** Completes with the actor's node once it is created (fails with why it could not be). */
  public Future<NodeId> whenCreated(ActorHandle<?> handle) {
    return actorCalls.whenCreated(ActorId.parse(handle.id()));
  }

  // ---- status and close -------------------------------------------------------------------
  /** The specs of this client's tasks whose results have not arrived (a node's resync re-publishes them). */
  public List<TaskSpec> pendingSpecs() {
    return tasks.pendingSpecs();
  }

  @Override
  public Future<JsonObject> status() {
    return vertx.eventBus().<JsonObject>request(Addresses.STATUS, new JsonObject()).map(Message::body);
  }

  public Future<Void> close() {
    if (actorTick >= 0) vertx.cancelTimer(actorTick);
    if (deadlineTick >= 0) vertx.cancelTimer(deadlineTick);
    List<Future<Void>> fs = new ArrayList<>();
    for (MessageConsumer<?> c : consumers) fs.add(c.unregister());
    return Future.all(fs).mapEmpty();
  }
}
