package io.ember.owner;

import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.object.Location;
import io.ember.protocol.Addresses;
import io.ember.protocol.RemoteFailure;
import io.ember.util.Retry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The requests the owner side sends to other nodes' services over the event bus: ask a task's
 * owner for its result, ask the home node for an object or to store one or to rebuild an actor
 * output, and find any node at all. Each asks for typed failures ({@link RemoteFailure}) and
 * turns every failure into the typed exception ({@link Failures}). Holds no state but the home.
 */
public final class OwnerRequests implements ObjectRecovery.Owners {
  /** A rebuild is asked in rounds of at most this long (see {@link #rebuildAtHome}). */
  private static final long REBUILD_ROUND_MS = 5000;

  private final EventBus bus;
  private final Supplier<NodeId> home;
  private final Clock clock;
  private final Retry rebuildRounds;

  public OwnerRequests(Vertx vertx, Supplier<NodeId> home, Clock clock) {
    this.bus = vertx.eventBus();
    this.home = home;
    this.clock = clock;
    this.rebuildRounds = Retry.every(vertx, clock, 100);
  }

  /**
   * The first request of a JVM that just joined the cluster can find no handler: the event
   * bus's view of the other members' consumers fills in shortly after the join. Asked again
   * every 200 ms until the deadline.
   */
  public static Future<Message<JsonObject>> askStatus(Vertx vertx, Clock clock, long deadline) {
    return Retry.every(vertx, clock, 200).until(deadline, Failures::noHandlers, () -> vertx.eventBus().<JsonObject>request(
        Addresses.STATUS, new JsonObject().put("brief", true), new DeliveryOptions().setSendTimeout(left(clock, deadline))));
  }

  /**
   * Whether client {@code owner} is storing a put under {@code id} (a node asks before it stores
   * one in that client's name): false when it says no, or no such client answers in time.
   */
  public static Future<Boolean> expectsPut(Vertx vertx, ClientId owner, ObjectId id, long timeoutMs) {
    JsonObject req = new JsonObject().put("objectId", id.toString()).put("put", true);
    return vertx.eventBus().<JsonObject>request(Addresses.clientWait(owner), req, new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(m -> m.body() != null && Boolean.TRUE.equals(m.body().getValue("expects"))).otherwise(false);
  }

  /** Asks the owner of a task for its result's location, waiting until it is done. */
  @Override
  public Future<Location> ask(ClientId owner, ObjectId id, long deadline) {
    long left = left(clock, deadline);
    JsonObject req = new JsonObject().put("objectId", id.toString()).put("timeoutMs", left);
    return bus.<JsonObject>request(Addresses.clientWait(owner), req, typed().setSendTimeout(left + 1000))
        .map(m -> Location.fromJson(m.body()))
        .recover(err -> Future.failedFuture(Failures.ofRequest(id, err)));
  }

  /** The home node's answer for an object: its bytes, or where to fetch them. */
  public Future<Object> askHome(ObjectId id, long deadline) {
    long left = left(clock, deadline);
    DeliveryOptions o = typed().addHeader("op", "get").addHeader("objectId", id.toString())
        .addHeader("timeoutMs", Long.toString(left)).setSendTimeout(left + 1000);
    return bus.<Object>request(Addresses.objectsOf(home.get()), null, o).map(Message::body)
        .recover(err -> Future.failedFuture(Failures.ofRequest(id, err)));
  }

  /** Stores a put value of client {@code owner} at the home node, which also makes its second copy within the timeout; says where it is. */
  public Future<Location> putAtHome(ClientId owner, ObjectId id, Buffer bytes, long timeoutMs) {
    DeliveryOptions o = typed().addHeader("op", "put").addHeader("objectId", id.toString()).addHeader("owner", owner.value())
        .addHeader("timeoutMs", Long.toString(timeoutMs)).setSendTimeout(timeoutMs + 1000);
    return bus.<JsonObject>request(Addresses.objectsOf(home.get()), bytes, o)
        .map(m -> Location.fromJson(m.body()))
        .recover(err -> Future.failedFuture(Failures.ofRequest(id, err)));
  }

  /**
   * A lost actor-method output, rebuilt by the home node's actor host. Asked in rounds of at most
   * {@value #REBUILD_ROUND_MS} ms: the home may have died with the object (a new home is chosen
   * when its verdict arrives), and a slow rebuild holds a lock the next round waits on.
   */
  public Future<Location> rebuildAtHome(ObjectId id, String kind, long deadline) {
    return rebuildRounds.until(deadline, Failures::noAnswer, () -> {
      long left = left(clock, deadline);
      JsonObject req = new JsonObject().put("objectId", id.toString()).put("kind", kind).put("timeoutMs", left);
      return bus.<JsonObject>request(Addresses.actorsOf(home.get()), req,
          typed().addHeader("op", "rebuild").setSendTimeout(Math.min(left, REBUILD_ROUND_MS)));
    }).map(m -> Location.fromJson(m.body())).recover(err -> Future.failedFuture(Failures.ofRequest(id, err)));
  }

  /** Delivery options that ask for failures with their fields. */
  static DeliveryOptions typed() {
    return RemoteFailure.accept(new DeliveryOptions());
  }

  private static long left(Clock clock, long deadline) {
    return Math.max(1, deadline - clock.millis());
  }
}
