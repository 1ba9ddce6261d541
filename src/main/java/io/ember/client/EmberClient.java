package io.ember.client;

import io.ember.api.Current;
import io.ember.api.Ember;
import io.ember.api.EmberException;
import io.ember.api.ObjectRef;
import io.ember.api.TaskCall;
import io.ember.api.TaskFailedException;
import io.ember.api.TaskOptions;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.gcs.Gcs;
import io.ember.gcs.Recovery;
import io.ember.monitor.ClusterView;
import io.ember.node.NodeRuntime;
import io.ember.object.Location;
import io.ember.object.TransferClient;
import io.ember.protocol.ActorDeath;
import io.ember.protocol.ActorPlacement;
import io.ember.protocol.ActorsPlaced;
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.ember.protocol.ErrorCode;
import io.ember.protocol.Heartbeat;
import io.ember.protocol.NodeDeath;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java API's implementation. A client owns the tasks it submits: their results come to its
 * inbox, and it answers other nodes that wait for them. A node has one client of its own (for
 * the event-bus API and for tasks submitted from inside tasks); a driver JVM that is not a node
 * connects with {@link #connect(Vertx)} and sends its tasks to one node, its home.
 */
public final class EmberClient implements Ember, ActorCaller {
  private static final int RECENT_MAX = 100_000;
  private static final int RECENT_INLINE_MAX = 1024;

  private final Vertx vertx;
  private final String clientId;
  private final NodeRuntime local;
  private final JobId job;
  private final IdSource ids;
  private final long defaultTimeoutMs;
  private final TransferClient transfers;
  /** A task this client owns whose result has not arrived: its promise, and its spec for re-submission. */
  record Pending(Promise<TaskDone> promise, TaskSpec spec) {}

  private final Map<TaskId, Pending> pending = new ConcurrentHashMap<>();
  private final java.util.Set<TaskId> recovering = ConcurrentHashMap.newKeySet();
  private final Map<TaskId, TaskDone> recent = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<TaskId, TaskDone> eldest) {
      return size() > RECENT_MAX;
    }
  });
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final ClusterView view;
  private final Gcs gcs;
  private final Recovery recovery;
  private volatile NodeId home;
  private io.vertx.core.Context context;
  private final ActorCalls actorCalls;
  private long actorTick = -1;
  private long deadlineTick = -1;
  private final Deadlines deadlines = new Deadlines();

  private EmberClient(Vertx vertx, String clientId, NodeRuntime local, NodeId home, JobId job, long defaultTimeoutMs,
      TransferClient transfers, ClusterView view, Gcs gcs) {
    this.vertx = vertx;
    this.view = view;
    this.gcs = gcs;
    this.recovery = Recovery.of(gcs);
    this.clientId = clientId;
    this.local = local;
    this.home = home;
    this.job = job;
    this.ids = new IdSource(TaskId.driverOf(job));
    this.defaultTimeoutMs = defaultTimeoutMs;
    this.transfers = transfers;
    this.actorCalls = new ActorCalls(this);
  }

  /** The client of a node: owner of its event-bus submissions and nested tasks. */
  public static Future<EmberClient> forNode(NodeRuntime rt) {
    EmberClient c = new EmberClient(rt.vertx, rt.nodeId.value(), rt, rt.nodeId, JobId.named("node:" + rt.nodeId),
        rt.conf.scheduler().getTimeoutMs(), rt.transfers, rt.view, rt.gcs);
    return c.listen();
  }

  /** A driver on a clustered Vert.x that is not itself a node; its tasks go to any one node. */
  public static Future<EmberClient> connect(Vertx vertx) {
    return connect(vertx, JobId.random(), 60_000);
  }

  /** As {@link #connect(Vertx)}, for a named job: a restarted driver regenerates the same ids. */
  public static Future<EmberClient> connect(Vertx vertx, JobId job, long defaultTimeoutMs) {
    Codecs.register(vertx.eventBus());
    return askStatus(vertx, System.currentTimeMillis() + 10_000)
        .recover(err -> Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE,
            "no Ember node answered on the event bus (is the cluster up, with the same cluster settings?): " + err.getMessage())))
        .compose(m -> {
          NodeId home = new NodeId(m.body().getString("self"));
          String[] redis = m.body().getString("redis").split(":");
          return Gcs.connect(vertx, redis[0], Integer.parseInt(redis[1])).compose(gcs -> {
            EmberClient c = new EmberClient(vertx, "c-" + NodeId.random().value(), null, home, job, defaultTimeoutMs,
                new TransferClient(vertx, Long.MAX_VALUE), new ClusterView(), gcs);
            return c.listen();
          });
        });
  }

  /**
   * The first request of a JVM that just joined the cluster can find no handler: the event
   * bus's view of the other members' consumers fills in shortly after the join. Asked again
   * every 200 ms until the deadline.
   */
  private static Future<Message<JsonObject>> askStatus(Vertx vertx, long deadline) {
    long left = Math.max(1, deadline - System.currentTimeMillis());
    return vertx.eventBus().<JsonObject>request(Addresses.STATUS, new JsonObject().put("brief", true),
            new DeliveryOptions().setSendTimeout(left))
        .recover(err -> {
          boolean noHandlers = err instanceof ReplyException re && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS;
          if (!noHandlers || System.currentTimeMillis() + 200 >= deadline) return Future.failedFuture(err);
          Promise<Message<JsonObject>> again = Promise.promise();
          vertx.setTimer(200, t -> askStatus(vertx, deadline).onComplete(again));
          return again.future();
        });
  }

  private Future<EmberClient> listen() {
    Codecs.register(vertx.eventBus());
    context = vertx.getOrCreateContext();
    MessageConsumer<TaskDone> inbox = vertx.eventBus().consumer(Addresses.clientInbox(clientId), m -> onDone(m.body()));
    MessageConsumer<JsonObject> waits = vertx.eventBus().consumer(Addresses.clientWait(clientId), this::onWait);
    // typed verdicts, converted to the JSON these methods still take (the lead re-wires them to NodeDeaths)
    MessageConsumer<Object> verdicts = vertx.eventBus().consumer(Addresses.NODE_DEAD, m -> {
      NodeDeath v = Codecs.bodyOf(m, NodeDeath.class);
      if (v != null) onNodeDead(legacyJson(v));
    });
    MessageConsumer<Object> placed = vertx.eventBus().consumer(Addresses.ACTORS_PLACED, m -> {
      ActorsPlaced p = Codecs.bodyOf(m, ActorsPlaced.class);
      if (p != null) actorCalls.onPlaced(legacyJson(p.actors()));
    });
    consumers.add(placed);
    consumers.add(inbox);
    actorTick = vertx.setPeriodic(1000, t -> actorCalls.tick());
    deadlineTick = vertx.setPeriodic(Deadlines.SWEEP_MS, t -> deadlines.expire(System.currentTimeMillis()));
    consumers.add(waits);
    consumers.add(verdicts);
    List<Future<?>> ready = new ArrayList<>(List.of(inbox.completion(), waits.completion(), verdicts.completion(), placed.completion()));
    if (local == null) {
      // a driver that is not a node keeps its own view of the cluster, from the heartbeats
      MessageConsumer<Object> hb = vertx.eventBus().consumer(Addresses.HEARTBEAT, m -> {
        Heartbeat beat = Codecs.bodyOf(m, Heartbeat.class); // null when unreadable
        if (beat != null) view.onHeartbeat(beat, System.currentTimeMillis());
      });
      consumers.add(hb);
      ready.add(hb.completion());
    }
    return Future.all(ready).map(v -> this);
  }

  public String id() {
    return clientId;
  }

  public NodeId home() {
    return home;
  }

  long defaultTimeoutMs() {
    return defaultTimeoutMs;
  }

  /** The Ember that a task running on a worker thread sees: nested submissions descend from its id. */
  public Ember forTask(TaskId task) {
    return new Scoped(new IdSource(task));
  }

  // ---- submission -----------------------------------------------------------------------

  @Override
  public <R> TaskCall<R> call(Serializable f, Object... args) {
    return new Call<>(ids, Lambdas.functionName(f), args);
  }

  @Override
  public <R> TaskCall<R> taskByName(String function, Object... args) {
    return new Call<>(ids, function, args);
  }

  private static List<TaskSpec.Arg> encodeArgs(Object[] args) {
    List<TaskSpec.Arg> encoded = new ArrayList<>(args.length);
    for (Object a : args) {
      if (a instanceof ObjectRefImpl<?> r) encoded.add(TaskSpec.Arg.ref(r.id));
      else if (a instanceof ObjectRef<?> r) encoded.add(TaskSpec.Arg.ref(ObjectId.parse(r.id())));
      else encoded.add(TaskSpec.Arg.value(Values.encode(a)));
    }
    return encoded;
  }

  <R> ObjectRef<R> submit(IdSource source, String function, Object[] args, TaskOptions opts) {
    List<TaskSpec.Arg> encoded = encodeArgs(args);
    TaskId id = source.next();
    TaskSpec spec = new TaskSpec(id, job, function, encoded, new LinkedHashMap<>(opts.resources()), opts.maxRetries(),
        opts.retryExceptions(), clientId, 0);
    pending.computeIfAbsent(id, k -> new Pending(Promise.promise(), spec));
    vertx.eventBus().send(Addresses.submitTo(home), spec);
    return new ObjectRefImpl<>(spec.returnId(), this);
  }

  @Override
  public <T> ObjectRef<T> put(T value) {
    return put(ids, value);
  }

  <T> ObjectRef<T> put(IdSource source, T value) {
    Buffer bytes = Values.encode(value);
    ObjectId id = ObjectId.of(source.next(), 0);
    pending.put(id.task(), new Pending(Promise.promise(), null));
    Future<Location> stored;
    if (local != null) {
      stored = local.store.put(id, bytes).map(v -> {
        local.writer.objectCreated(id, bytes.length(), id.task(), "put", local.nodeId);
        return local.directory.self(bytes.length());
      });
    } else {
      DeliveryOptions o = new DeliveryOptions().addHeader("op", "put").addHeader("objectId", id.toString()).setSendTimeout(defaultTimeoutMs);
      stored = vertx.eventBus().<JsonObject>request(Addresses.objectsOf(home), bytes, o)
          .map(m -> Location.fromJson(m.body()))
          .recover(err -> Future.failedFuture(translate(id, err)));
    }
    stored.onComplete(ar -> {
      if (ar.succeeded()) {
        Location l = ar.result();
        onDone(TaskDone.ok(id.task(), l.node(), l.host(), l.port(), l.size(), bytes.length() <= RECENT_INLINE_MAX ? bytes : null));
      } else {
        onDone(TaskDone.failed(id.task(), home, failure(ar.cause())));
      }
    });
    return new ObjectRefImpl<>(id, this);
  }

  // ---- results --------------------------------------------------------------------------

  /** A result for this client from a component in the same JVM (any thread): as if it came to the inbox. */
  public void deliver(TaskDone done) {
    onDone(done);
  }

  private void onDone(TaskDone done) {
    if (done.node() != null && view.isDead(done.node()) && done.ok()) {
      return; // a result sent by a node declared dead (a zombie): its task has been or will be re-run
    }
    if (actorCalls.onDone(done)) return; // an actor call to re-send where its actor is now
    recent.put(done.task(), done.inline() != null && done.inline().length() > RECENT_INLINE_MAX
        ? new TaskDone(done.task(), done.node(), done.transferHost(), done.transferPort(), done.size(), null, done.error())
        : done);
    Pending p = pending.remove(done.task());
    if (p != null) p.promise().tryComplete(done);
  }

  private Future<TaskDone> ownedDone(TaskId task) {
    TaskDone d = recent.get(task);
    if (d != null) return Future.succeededFuture(d);
    Pending p = pending.get(task);
    if (p != null) return p.promise().future();
    d = recent.get(task); // completed between the two looks
    return d == null ? null : Future.succeededFuture(d);
  }

  /** Where an object this client owns is, once its task is done; null if this client does not own it. */
  public Future<Location> ownedLocation(ObjectId id) {
    Future<TaskDone> f = ownedDone(id.task());
    if (f == null) return null;
    return f.compose(d -> d.ok() ? Future.succeededFuture(new Location(d.node(), d.transferHost(), d.transferPort(), d.size()))
        : Future.failedFuture(exception(id, d)));
  }

  private void onWait(Message<JsonObject> m) {
    ObjectId id;
    try {
      id = ObjectId.parse(m.body().getString("objectId"));
    } catch (RuntimeException e) {
      m.fail(ErrorCode.BAD_REQUEST.code, e.getMessage());
      return;
    }
    Future<Location> f = ownedLocation(id);
    if (f == null) {
      m.fail(ErrorCode.UNKNOWN_OBJECT.code, "client " + clientId + " does not own object " + id);
      return;
    }
    long timeout = m.body().getLong("timeoutMs", defaultTimeoutMs);
    f.timeout(timeout, java.util.concurrent.TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (ar.succeeded()) m.reply(ar.result().toJson());
      else io.ember.protocol.Requests.fail(m, ar.cause());
    });
  }

  /** The decoded value of any object, within {@code timeoutMs}. */
  public Future<Object> valueOf(ObjectId id, long timeoutMs) {
    return bytesOf(id, System.currentTimeMillis() + timeoutMs).map(Values::decode);
  }

  /** A reference to an existing object by id, resolved through this client. */
  public <T> ObjectRef<T> ref(ObjectId id) {
    return new ObjectRefImpl<>(id, this);
  }

  /** The bytes of an object: inline from its task's completion, from the local store, or fetched. */
  Future<Buffer> bytesOf(ObjectId id, long deadline) {
    if (io.vertx.core.Context.isOnVertxThread()) return bytesOnContext(id, deadline);
    TaskDone known = recent.get(id.task());
    if (known != null && known.ok() && known.inline() != null) return Future.succeededFuture(known.inline()); // the common small case
    Pending mine = pending.get(id.task());
    if (mine != null) {
      // a result this client is waiting for: an inline one completes the caller's future on the
      // thread that delivers it, with no hop and no timer per call (deadlines are swept)
      Promise<Buffer> out = Promise.promise();
      Deadlines.Entry d = deadlines.add(deadline, out, id);
      mine.promise().future().onComplete(ar -> {
        deadlines.remove(d);
        if (ar.succeeded() && ar.result().ok() && ar.result().inline() != null) out.tryComplete(ar.result().inline());
        else context.runOnContext(v -> bytesOnContext(id, deadline).onComplete(out));
      });
      return out.future();
    }
    // from a plain thread (a driver's, a task's): hop to this client's context, so that transfer
    // connections are pooled there instead of on a fresh context per call
    Promise<Buffer> p = Promise.promise();
    context.runOnContext(v -> bytesOnContext(id, deadline).onComplete(p));
    return p.future();
  }

  private Future<Buffer> bytesOnContext(ObjectId id, long deadline) {
    Future<TaskDone> owned = ownedDone(id.task());
    Future<Buffer> f;
    if (owned != null) {
      f = owned.compose(d -> {
        if (!d.ok()) return Future.failedFuture(exception(id, d));
        if (d.inline() != null) return Future.succeededFuture(d.inline());
        return fetchFrom(id, new Location(d.node(), d.transferHost(), d.transferPort(), d.size()), deadline);
      });
    } else if (local != null) {
      f = local.directory.fetch(id, deadline);
    } else {
      f = askHome(id, deadline);
    }
    long left = deadline - System.currentTimeMillis();
    return f.timeout(Math.max(1, left), java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(err instanceof java.util.concurrent.TimeoutException
            ? new io.ember.api.GetTimeoutException(id.toString(), java.time.Duration.ofMillis(Math.max(0, left)), null) : err));
  }

  private Future<Buffer> fetchFrom(ObjectId id, Location l, long deadline) {
    if (local != null) {
      if (l.node().equals(local.nodeId)) {
        Buffer b = local.store.getIfInMemory(id);
        if (b != null) return Future.succeededFuture(b);
      }
      return local.directory.fetch(id, deadline);
    }
    return transfers.fetch(l.host(), l.port(), id)
        .compose(b -> b != null ? Future.succeededFuture(b) : Future.failedFuture(new EmberException(ErrorCode.OBJECT_LOST,
            "object " + id + " is no longer at node " + l.node())))
        .recover(err -> {
          if (System.currentTimeMillis() >= deadline) return Future.failedFuture(err);
          // its copy is gone (node died, or evicted): re-locate, re-running its task if needed
          return recover(id.task(), null, "object " + id + " could not be fetched from node " + l.node() + ": " + err.getMessage(), deadline)
              .compose(loc -> transfers.fetch(loc.host(), loc.port(), id));
        });
  }

  private Future<Buffer> askHome(ObjectId id, long deadline) {
    long left = Math.max(1, deadline - System.currentTimeMillis());
    DeliveryOptions o = new DeliveryOptions().addHeader("op", "get").addHeader("objectId", id.toString())
        .addHeader("timeoutMs", Long.toString(left)).setSendTimeout(left + 1000);
    return vertx.eventBus().<Object>request(Addresses.objectsOf(home), null, o).compose(m -> {
      if (m.body() instanceof Buffer b) return Future.succeededFuture(b);
      Location l = Location.fromJson((JsonObject) m.body());
      return transfers.fetch(l.host(), l.port(), id);
    }).recover(err -> Future.failedFuture(translate(id, err)));
  }

  static Throwable translate(ObjectId id, Throwable err) {
    if (err instanceof ReplyException re) {
      return switch (re.failureType()) {
        case RECIPIENT_FAILURE -> typed(id, ErrorCode.of(re.failureCode()), re.getMessage());
        case TIMEOUT -> new EmberException(ErrorCode.TIMEOUT, "object " + id + ": no answer in time");
        default -> new EmberException(ErrorCode.UNAVAILABLE, "object " + id + ": node unreachable (" + re.getMessage() + ")");
      };
    }
    return err;
  }

  static TaskDone.Failure failure(Throwable err) {
    if (err instanceof EmberException e) return new TaskDone.Failure(e.code(), null, e.getClass().getName(), e.getMessage(), null);
    return new TaskDone.Failure(ErrorCode.INTERNAL, null, err.getClass().getName(), String.valueOf(err.getMessage()), null);
  }

  static EmberException exception(ObjectId id, TaskDone d) {
    TaskDone.Failure f = d.error();
    if (f.code() == ErrorCode.TASK_FAILED) {
      return new TaskFailedException(d.task().toString(), f.function(), f.type(), f.message(), f.stack());
    }
    return typed(id, f.code(), f.message());
  }

  /** The typed exception for a code that crossed the wire as (code, text). */
  static EmberException typed(ObjectId id, ErrorCode code, String message) {
    if (code == ErrorCode.ACTOR_DIED) return io.ember.api.ActorDiedException.fromMessage(message);
    if (code == ErrorCode.OBJECT_LOST) return io.ember.api.ObjectLostException.fromMessage(id.toString(), message);
    return new EmberException(code, message);
  }

  // ---- recovery ---------------------------------------------------------------------------

  /** The acting monitor declared a node dead: move off it, and re-run whatever we own that it took down. */
  private void onNodeDead(JsonObject verdict) {
    NodeId dead;
    try {
      dead = new NodeId(verdict.getString("node"));
    } catch (RuntimeException e) {
      return;
    }
    view.markDead(dead);
    boolean homeDied = dead.equals(home);
    if (homeDied) rehome();
    actorCalls.onNodeDead(dead, verdict);
    String reason = "node " + dead + " died (" + verdict.getString("reason") + ")";
    java.util.Set<String> lost = new java.util.HashSet<>();
    for (Object t : verdict.getJsonArray("lost", new io.vertx.core.json.JsonArray())) lost.add(String.valueOf(t));
    java.util.ArrayDeque<TaskId> todo = new java.util.ArrayDeque<>();
    for (Map.Entry<TaskId, Pending> e : pending.entrySet()) {
      if (e.getValue().spec() == null) continue; // a put in flight: it completes or fails by itself
      // the verdict lists the tasks the node held; if it was our home, anything we sent it may be lost too
      if (!homeDied && !lost.contains(e.getKey().toString())) continue;
      if (recovering.add(e.getKey())) todo.add(e.getKey()); // one recovery per task, however many verdicts arrive
    }
    long deadline = System.currentTimeMillis() + defaultTimeoutMs;
    for (TaskId task : todo) {
      Pending p = pending.get(task);
      if (p == null) {
        recovering.remove(task);
        continue;
      }
      recover(task, p.spec(), reason, deadline)
          .onComplete(ar -> recovering.remove(task))
          .onFailure(err -> fail(task, err));
    }
  }

  // At most CLAIMS_IN_FLIGHT claims go to Redis at once: a verdict listing thousands of tasks must not flood it.
  private static final int CLAIMS_IN_FLIGHT = 64;
  private final java.util.ArrayDeque<Runnable> claimQueue = new java.util.ArrayDeque<>();
  private int claimsInFlight;

  private Future<Recovery.Claim> limitedClaim(TaskId task, NodeId at, TaskSpec s, String reason) {
    Promise<Recovery.Claim> result = Promise.promise();
    Runnable go = () -> recovery.claim(task, clientId, at, s.maxRetries(), reason, System.currentTimeMillis()).onComplete(ar -> {
      Runnable next;
      synchronized (claimQueue) {
        next = claimQueue.poll();
        if (next == null) claimsInFlight--;
      }
      if (next != null) next.run();
      result.handle(ar);
    });
    boolean now;
    synchronized (claimQueue) {
      now = claimsInFlight < CLAIMS_IN_FLIGHT;
      if (now) claimsInFlight++;
      else claimQueue.add(go);
    }
    if (now) go.run();
    return result.future();
  }

  private void rehome() {
    if (local != null && !local.isFenced()) {
      home = local.nodeId;
      return;
    }
    for (ClusterView.Peer p : view.alive()) {
      home = p.id;
      return;
    }
  }

  void fail(TaskId task, Throwable err) {
    TaskDone failed = TaskDone.failed(task, null, failure(err));
    recent.put(task, failed); // a later get() of its object finds the failure here
    Pending p = pending.remove(task);
    if (p != null) p.promise().tryComplete(failed);
  }

  /**
   * Makes sure {@code task}'s result will exist and says where: if no live copy exists and no
   * live node is running it, claims it cluster-wide (one claimer wins) and re-runs it from its
   * spec (ours, or the lineage in the task table), owned by this client. Fails with a typed
   * error once its system-failure retries are spent, if user code threw, or if it never existed.
   */
  public Future<Location> recover(TaskId task, TaskSpec known, String reason, long deadline) {
    Future<TaskSpec> spec = known != null ? Future.succeededFuture(known)
        : gcs.task(task).map(rec -> rec == null || rec.spec() == null ? null : TaskSpec.decodeBuffer(Buffer.buffer(rec.spec())));
    ObjectId oid = ObjectId.of(task, 1);
    return spec.compose(s -> {
      if (s == null) {
        return gcs.object(oid).compose(rec -> rec != null && rec.kind() != null && rec.kind().startsWith("actor:")
            ? rebuildActorOutput(oid, rec.kind(), deadline)
            : gcs.object(ObjectId.of(task, 0)).compose(put -> Future.failedFuture(put != null
            ? new io.ember.api.ObjectLostException(ObjectId.of(task, 0).toString(), "a put object whose every copy was on dead nodes")
            : new EmberException(ErrorCode.UNKNOWN_OBJECT, "object " + oid + " is not known to the cluster (no lineage)"))));
      }
      NodeId at = home;
      return limitedClaim(task, at, s, reason).compose(c -> switch (c.outcome()) {
        case "CLAIMED", "MISSING" -> {
          TaskSpec again = s.withAttempt("MISSING".equals(c.outcome()) ? s.attempt() : c.attempts());
          again = new TaskSpec(again.id(), again.job(), again.function(), again.args(), again.resources(), again.maxRetries(),
              again.retryExceptions(), clientId, again.attempt());
          Pending p = pending.computeIfAbsent(task, k -> new Pending(Promise.promise(), s));
          vertx.eventBus().send(Addresses.submitTo(at), again);
          if (local != null) local.writer.recovery(new JsonObject().put("kind", "task-resubmitted").put("task", task.toString())
              .put("function", s.function()).put("attempt", again.attempt()).put("by", clientId).put("reason", reason)
              .put("at", System.currentTimeMillis()));
          yield locationOf(p.promise().future(), oid);
        }
        case "IN_PROGRESS" -> clientId.equals(c.owner()) ? awaitOwn(task, s, oid) : askOwner(c.owner(), oid, deadline)
            .recover(err -> retryLater(task, null, reason, deadline, err));
        case "EXISTS" -> gcs.object(oid).compose(rec -> {
          Location l = rec == null ? null : liveLocation(rec);
          return l != null ? Future.succeededFuture(l) : retryLater(task, s, reason, deadline,
              new EmberException(ErrorCode.OBJECT_LOST, "object " + oid + ": its copies vanished"));
        });
        case "FAILED" -> Future.failedFuture(recordedFailure(task, s, c.error()));
        case "EXHAUSTED" -> Future.failedFuture(new io.ember.api.ObjectLostException(oid.toString(), "its task " + task + " ("
            + s.function() + ") was run " + (c.attempts() + 1) + " times and its system-failure retries (" + s.maxRetries()
            + ") are spent: " + c.error()));
        default -> Future.failedFuture(new EmberException(ErrorCode.INTERNAL, "claim of " + task + ": " + c.outcome()));
      });
    });
  }

  /** A lost actor-method output: rebuilt by this node's actor host, or by the home node's for a remote driver. */
  private Future<Location> rebuildActorOutput(ObjectId oid, String kind, long deadline) {
    if (local != null && local.actors != null) return local.actors.rebuild(oid, kind, deadline);
    long left = Math.max(1, deadline - System.currentTimeMillis());
    JsonObject req = new JsonObject().put("objectId", oid.toString()).put("kind", kind).put("timeoutMs", left);
    // asked in rounds of at most 5 s: the home may have died with the object (a new home is
    // chosen when its verdict arrives), and a slow rebuild holds a lock the next round waits on
    return vertx.eventBus().<JsonObject>request(Addresses.actorsOf(home), req,
            new DeliveryOptions().addHeader("op", "rebuild").setSendTimeout(Math.min(left, 5000)))
        .map(m -> Location.fromJson(m.body()))
        .recover(err -> {
          boolean noAnswer = err instanceof ReplyException re && re.failureType() != io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE;
          if (noAnswer && System.currentTimeMillis() + 100 < deadline) {
            Promise<Location> again = Promise.promise();
            vertx.setTimer(100, t -> rebuildActorOutput(oid, kind, deadline).onComplete(again));
            return again.future();
          }
          return Future.failedFuture(translate(oid, err));
        });
  }

  /** The failure recorded in the task table ({@code "<CODE> <type>: <message>"}) as the exception it was. */
  static EmberException recordedFailure(TaskId task, TaskSpec s, String error) {
    String text = error == null ? "" : error;
    int sp = text.indexOf(' ');
    ErrorCode code = ErrorCode.TASK_FAILED;
    if (sp > 0) {
      try {
        code = ErrorCode.valueOf(text.substring(0, sp));
        text = text.substring(sp + 1);
      } catch (IllegalArgumentException notACode) {
        // an older record: no code in front
      }
    }
    if (code == ErrorCode.TASK_FAILED) {
      int colon = text.indexOf(": ");
      return new TaskFailedException(task.toString(), s.function(), colon > 0 ? text.substring(0, colon) : text,
          colon > 0 ? text.substring(colon + 2) : null, null);
    }
    int colon = text.indexOf(": ");
    return new EmberException(code, colon > 0 ? text.substring(colon + 2) : text);
  }

  private Future<Location> awaitOwn(TaskId task, TaskSpec s, ObjectId oid) {
    Pending p = pending.computeIfAbsent(task, k -> new Pending(Promise.promise(), s));
    return locationOf(p.promise().future(), oid);
  }

  private Future<Location> locationOf(Future<TaskDone> done, ObjectId oid) {
    return done.compose(d -> d.ok() ? Future.succeededFuture(new Location(d.node(), d.transferHost(), d.transferPort(), d.size()))
        : Future.failedFuture(exception(oid, d)));
  }

  private Future<Location> retryLater(TaskId task, TaskSpec s, String reason, long deadline, Throwable last) {
    if (System.currentTimeMillis() + 50 >= deadline) return Future.failedFuture(last);
    Promise<Location> p = Promise.promise();
    vertx.setTimer(50, t -> recover(task, s, reason, deadline).onComplete(p));
    return p.future();
  }

  private Location liveLocation(io.ember.gcs.ObjectRecord rec) {
    for (NodeId n : rec.locations()) {
      if (local != null && n.equals(local.nodeId) && local.store.contains(rec.id())) return local.directory.self(rec.size());
      ClusterView.Peer p = view.find(n);
      if (p != null && !p.dead && p.host != null && p.transferPort > 0) return new Location(n, p.host, p.transferPort, rec.size());
    }
    return null;
  }

  /** Asks the owner of a task for its result's location, waiting until it is done. */
  public Future<Location> askOwner(String owner, ObjectId id, long deadline) {
    long left = Math.max(1, deadline - System.currentTimeMillis());
    JsonObject req = new JsonObject().put("objectId", id.toString()).put("timeoutMs", left);
    return vertx.eventBus().<JsonObject>request(Addresses.clientWait(owner), req, new DeliveryOptions().setSendTimeout(left + 1000))
        .map(m -> Location.fromJson(m.body()))
        .recover(err -> Future.failedFuture(translate(id, err)));
  }

  public ClusterView view() {
    return view;
  }

  Vertx vertx() {
    return vertx;
  }

  Gcs gcs() {
    return gcs;
  }

  /** This node's runtime when the client is a node's own; null for a remote driver. */
  NodeRuntime local() {
    return local;
  }

  /** Registers a result this client will receive (an actor call's). */
  void expect(TaskId task) {
    pending.computeIfAbsent(task, k -> new Pending(Promise.promise(), null));
  }

  // ---- actors -----------------------------------------------------------------------------

  @Override
  public <A> io.ember.api.ActorCreation<A> createActor(Serializable ctor, Object... args) {
    return new Creation<>(ids, Lambdas.constructorClass(ctor), args);
  }

  @Override
  public <A> io.ember.api.ActorCreation<A> actorByName(String className, Object... args) {
    return new Creation<>(ids, className, args);
  }

  @Override
  public <A> io.ember.api.ActorHandle<A> actorHandle(String actorId) {
    return new ActorHandleImpl<>(TaskId.parse(actorId), this);
  }

  @Override
  public <R> ObjectRef<R> callActor(TaskId actor, String method, Object[] args) {
    return actorCalls.call(ids, actor, method, encodeArgs(args));
  }

  /** Completes with the actor's node once it is created (fails with why it could not be). */
  public Future<NodeId> whenCreated(io.ember.api.ActorHandle<?> handle) {
    return actorCalls.whenCreated(TaskId.parse(handle.id()));
  }

  private final class Creation<A> implements io.ember.api.ActorCreation<A> {
    private final IdSource source;
    private final String className;
    private final Object[] args;
    private final Map<String, Double> resources = new LinkedHashMap<>();
    private int maxRestarts = Integer.MIN_VALUE;
    private int checkpointCalls = -1;
    private long checkpointMs = -1;
    private String onNode;

    Creation(IdSource source, String className, Object[] args) {
      this.source = source;
      this.className = className;
      this.args = args == null ? new Object[] {null} : args;
    }

    @Override
    public io.ember.api.ActorCreation<A> resource(String name, double amount) {
      resources.put(name, amount);
      return this;
    }

    @Override
    public io.ember.api.ActorCreation<A> onNode(String nodeName) {
      onNode = nodeName;
      return this;
    }

    @Override
    public io.ember.api.ActorCreation<A> maxRestarts(int n) {
      if (n < -1) throw new IllegalArgumentException("maxRestarts is -1 (unlimited) or >= 0, got " + n);
      maxRestarts = n;
      return this;
    }

    @Override
    public io.ember.api.ActorCreation<A> checkpointEvery(int calls, java.time.Duration interval) {
      if (calls < 0 || interval.isNegative()) throw new IllegalArgumentException("checkpoint intervals are >= 0");
      checkpointCalls = calls;
      checkpointMs = interval.toMillis();
      return this;
    }

    @Override
    public io.ember.api.ActorHandle<A> remote() {
      List<TaskSpec.Arg> encoded = encodeArgs(args);
      TaskId id = source.next();
      io.ember.conf.EmberConf.Actors d = local != null ? local.conf.actors() : null;
      int restarts = maxRestarts != Integer.MIN_VALUE ? maxRestarts : d != null ? d.maxRestarts() : -1;
      int calls = checkpointCalls >= 0 ? checkpointCalls : d != null ? d.checkpointEveryCalls() : 1000;
      long ms = checkpointMs >= 0 ? checkpointMs : d != null ? d.checkpointEveryMs() : 10_000;
      actorCalls.create(new io.ember.protocol.ActorCreateSpec(id, className, encoded, new LinkedHashMap<>(resources), restarts,
          calls, ms, clientId), onNode);
      return new ActorHandleImpl<>(id, EmberClient.this);
    }
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

  /** Installs this client as what {@link Ember#current()} returns outside tasks. */
  public EmberClient makeDefault() {
    Current.setProcessDefault(this);
    return this;
  }

  // ---- the two faces: driver and task ---------------------------------------------------

  private final class Scoped implements Ember, ActorCaller {
    private final IdSource source;

    Scoped(IdSource source) {
      this.source = source;
    }

    @Override
    public <A> io.ember.api.ActorCreation<A> createActor(Serializable ctor, Object... args) {
      return new Creation<>(source, Lambdas.constructorClass(ctor), args);
    }

    @Override
    public <A> io.ember.api.ActorCreation<A> actorByName(String className, Object... args) {
      return new Creation<>(source, className, args);
    }

    @Override
    public <A> io.ember.api.ActorHandle<A> actorHandle(String actorId) {
      return new ActorHandleImpl<>(TaskId.parse(actorId), this);
    }

    @Override
    public <R> ObjectRef<R> callActor(TaskId actor, String method, Object[] args) {
      return actorCalls.call(source, actor, method, encodeArgs(args));
    }

    @Override
    public <T> ObjectRef<T> put(T value) {
      return EmberClient.this.put(source, value);
    }

    @Override
    public Future<JsonObject> status() {
      return EmberClient.this.status();
    }

    @Override
    public <R> TaskCall<R> taskByName(String function, Object... args) {
      return new Call<>(source, function, args);
    }

    @Override
    public <R> TaskCall<R> call(Serializable f, Object... args) {
      return new Call<>(source, Lambdas.functionName(f), args);
    }
  }

  private final class Call<R> implements TaskCall<R> {
    private final IdSource source;
    private final String function;
    private final Object[] args;
    private final TaskOptions options = new TaskOptions();

    Call(IdSource source, String function, Object[] args) {
      this.source = source;
      this.function = function;
      this.args = args == null ? new Object[] {null} : args;
    }

    @Override
    public TaskCall<R> resource(String name, double amount) {
      options.resource(name, amount);
      return this;
    }

    @Override
    public TaskCall<R> maxRetries(int n) {
      options.maxRetries(n);
      return this;
    }

    @Override
    public TaskCall<R> retryExceptions(boolean retry) {
      options.retryExceptions(retry);
      return this;
    }

    @Override
    public TaskCall<R> options(java.util.function.Consumer<TaskOptions> edit) {
      edit.accept(options);
      return this;
    }

    @Override
    public ObjectRef<R> remote() {
      return submit(source, function, args, options);
    }
  }

  /** The verdict in its former JSON form, for the methods here that still take it. */
  private static JsonObject legacyJson(NodeDeath v) {
    JsonArray lost = new JsonArray();
    for (TaskId t : v.lost()) lost.add(t.toString());
    JsonArray gone = new JsonArray();
    for (ActorDeath d : v.actorsDead()) gone.add(new JsonArray().add(d.actor().toString()).add(d.reason()));
    return new JsonObject().put("node", v.node().value()).put("reason", v.reason()).put("at", v.at()).put("by", v.by().value())
        .put("lost", lost).put("actors", legacyJson(v.placements())).put("actorsDead", gone);
  }

  private static JsonArray legacyJson(List<ActorPlacement> placements) {
    JsonArray out = new JsonArray();
    for (ActorPlacement a : placements) {
      out.add(new JsonArray().add(a.actor().toString()).add(a.node().value()).add(a.incarnation()));
    }
    return out;
  }
}
