package io.ember.owner;


import io.ember.api.EmberException;
import io.ember.gcs.ObjectRecord;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.monitor.ClusterView;
import io.ember.object.LiveLocation;
import io.ember.object.Location;
import io.ember.gcs.Claim;
import io.ember.gcs.ClaimOutcome;
import io.ember.gcs.TaskFailure;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskSpec;
import io.ember.util.Retry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;

/** The fakes owner-side recovery tests share: tables, claims, owners, a submitter and a clock the fakes move. */
abstract class RecoveryFakes {
  static final ClientId ME = new ClientId("c-me");
  static final NodeId HOME = new NodeId("home");
  static final NodeId PEER = new NodeId("peer");
  static final TaskId TASK = TaskId.child(TaskId.driverOf(JobId.named("rec")), 7);
  static final ObjectId OUT = ObjectId.of(TASK, 1);
  static final TaskSpec SPEC = new TaskSpec(TASK, JobId.named("rec"), "a.Fns.square", List.of(), new LinkedHashMap<>(), 3, false, ME, 0);

  final Vertx vertx = Vertx.vertx();
  final FakeClock clock = new FakeClock();
  final OwnedTasks tasks = new OwnedTasks();
  final ClusterView view = new ClusterView();
  final List<Claim> claimsAsked = new CopyOnWriteArrayList<>();
  final List<Integer> returnsAsked = new CopyOnWriteArrayList<>();
  Function<Integer, Future<Claim>> claims = n -> Future.succeededFuture(claim(ClaimOutcome.CLAIMED, null, 1, null));
  final Map<TaskId, TaskSpec> specs = new HashMap<>();
  final Map<ObjectId, ObjectRecord> objects = new HashMap<>();
  final List<ClientId> ownersAsked = new CopyOnWriteArrayList<>();
  Future<Location> ownerAnswer = Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "owner gone"));
  final List<TaskSpec> submitted = new CopyOnWriteArrayList<>();
  final List<NodeId> submittedAt = new CopyOnWriteArrayList<>();
  final List<JsonObject> ledger = new CopyOnWriteArrayList<>();

  /** A clock the fakes move: each claim takes {@code perClaimMs}. */
  static final class FakeClock extends Clock {
    final AtomicLong now = new AtomicLong(1_000_000);

    @Override
    public long millis() {
      return now.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  static Claim claim(ClaimOutcome o, ClientId owner, int attempts, TaskFailure failure) {
    return new Claim(o, owner, null, attempts, failure);
  }

  ObjectRecovery recovery() {
    ClaimService service = (task, claimer, at, maxRetries, returns, reason, now) -> {
      claimsAsked.add(new Claim(ClaimOutcome.CLAIMED, claimer, at.value(), maxRetries, new TaskFailure(null, null, reason, null)));
      returnsAsked.add(returns);
      clock.now.addAndGet(100);
      return claims.apply(claimsAsked.size());
    };
    ObjectRecovery.Lineage lineage = new ObjectRecovery.Lineage() {
      @Override
      public Future<TaskSpec> spec(TaskId task) {
        return Future.succeededFuture(specs.get(task));
      }

      @Override
      public Future<ObjectRecord> object(ObjectId id) {
        return Future.succeededFuture(objects.get(id));
      }
    };
    ObjectRecovery.Owners owners = (owner, id, deadline) -> {
      ownersAsked.add(owner);
      return ownerAnswer;
    };
    ObjectRecovery.ActorOutputs rebuild = (id, kind, deadline) -> Future.succeededFuture(new Location(PEER, "h", 2, 9));
    return new ObjectRecovery(ME, () -> HOME, tasks, service, lineage, owners, rebuild, submitter(), LiveLocation.remote(view),
        e -> ledger.add(e.toJson()), Retry.every(vertx, clock, 1), clock);
  }

  /** Records each hand-off of a spec to a node's scheduler in {@link #submittedAt} and {@link #submitted}. */
  ObjectRecovery.Submitter submitter() {
    return (node, spec) -> {
      submittedAt.add(node);
      submitted.add(spec);
    };
  }

  @AfterEach
  void close() {
    vertx.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Throwable failure(Future<?> f) {
    try {
      await(f);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  long deadline() {
    return clock.millis() + 10_000;
  }
}
