package io.ember.actor;

import io.ember.ids.ActorId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.monitor.VerdictFanout;
import io.ember.object.Location;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.protocol.ActorsPlaced;
import io.ember.protocol.Addresses;
import io.ember.protocol.NodeDeath;
import io.ember.protocol.Codecs;
import io.ember.protocol.Handoff;
import io.ember.protocol.JsonDoor;
import io.ember.protocol.Requests;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The actor host's event-bus face: creation and rebuild requests for this node
 * ({@code ember.node.<id>.actors}), binary calls ({@code .actorCalls}), the monitor's verdicts
 * and placements (actors moved here), the periodic sweep, and the public JSON
 * {@code ember.actor.create} / {@code ember.actor.call}. Decodes, delegates to {@link ActorHost}
 * or {@link ActorJsonDoor}, replies; holds no actor logic itself.
 */
public final class ActorVerticle extends VerticleBase {
  private final NodeId self;
  private final Function<Context, ActorHost> hosts;
  private final ActorJsonDoor jsonDoor;
  private final VerdictFanout deaths;
  private final long sweepMs;
  private final long getTimeoutMs;
  private final Clock clock;
  private final BooleanSupplier saturated;
  private volatile ActorHost host;
  private long sweepTimer;

  /**
   * @param hosts        builds the actor host on this verticle's event loop
   * @param sweepMs      how often to look in the table for actors this node should host and does not
   * @param getTimeoutMs the default time a rebuild request may take
   * @param saturated    true while this node's table writer takes no new work (calls are then not acknowledged)
   */
  public ActorVerticle(NodeId self, Function<Context, ActorHost> hosts, ActorJsonDoor jsonDoor, VerdictFanout deaths,
      long sweepMs, long getTimeoutMs, Clock clock, BooleanSupplier saturated) {
    this.saturated = saturated;
    this.deaths = deaths;
    this.self = self;
    this.hosts = hosts;
    this.jsonDoor = jsonDoor;
    this.sweepMs = sweepMs;
    this.getTimeoutMs = getTimeoutMs;
    this.clock = clock;
  }

  /** This node's actor host: null until the verticle has started. */
  public ActorHost host() {
    return host;
  }

  @Override
  public Future<?> start() {
    host = hosts.apply(context);
    var bus = vertx.eventBus();
    var requests = bus.consumer(Addresses.actorsOf(self), JsonDoor.serve("actor host", this::onRequest));
    // a duplicate call is answered from the log or ignored while it runs: the host dedupes by (caller, seq)
    // not acknowledged while the table writer is saturated (Redis away): the caller re-sends until its deadline
    var calls = bus.consumer(Addresses.actorCallsOf(self), Handoff.withheldWhile(saturated,
        Codecs.acknowledged(Addresses.actorCallsOf(self), ActorCallSpec.class, c -> host.call(c))));
    deaths.add(context, new VerdictFanout.Listener() {
      @Override
      public void onNodeDead(NodeDeath verdict) {
        host.onPlaced(verdict.placements());
      }

      @Override
      public void onActorsPlaced(ActorsPlaced placed) {
        host.onPlaced(placed.actors());
      }
    });
    var create = bus.consumer(Addresses.ACTOR_CREATE, JsonDoor.serve("actor create", m -> jsonDoor.create(m.body())));
    var call = bus.consumer(Addresses.ACTOR_CALL, JsonDoor.serve("actor call", m -> jsonDoor.call(m.body())));
    var kill = bus.consumer(Addresses.ACTOR_KILL, JsonDoor.serve("actor kill", m -> jsonDoor.kill(m.body())));
    var named = bus.consumer(Addresses.ACTOR_NAMED, JsonDoor.serve("actor named", m -> jsonDoor.named(m.body())));
    sweepTimer = vertx.setPeriodic(sweepMs, t -> host.sweep());
    return Future.all(List.of(requests.completion(), calls.completion(), create.completion(), call.completion(), kill.completion(),
        named.completion()));
  }

  /**
   * Header {@code op}: {@code create} (an {@link ActorCreateSpec}), {@code rebuild} ({@code {"objectId", "kind", "timeoutMs"?}})
   * or {@code kill} ({@code {"actorId"}}: stop the instance of an actor the table says is DEAD; replies {@code {"stopped"}}).
   */
  private Future<?> onRequest(Message<Object> m) {
    String op = m.headers().get("op");
    if ("create".equals(op)) {
      if (!(m.body() instanceof ActorCreateSpec spec)) throw Requests.bad("actor host: op 'create' takes an ActorCreateSpec");
      return host.create(spec);
    }
    if ("kill".equals(op)) {
      JsonObject req = Requests.object(m.body());
      Requests.onlyKeys(req, "actorId");
      ActorId id;
      try {
        id = ActorId.parse(Requests.string(req, "actorId"));
      } catch (IllegalArgumentException e) {
        throw Requests.bad("actorId: " + e.getMessage());
      }
      return host.killed(id).map(stopped -> new JsonObject().put("stopped", stopped));
    }
    if (!"rebuild".equals(op)) throw Requests.bad("actor host: unknown op '" + op + "' (create, rebuild, kill)");
    JsonObject req = Requests.object(m.body());
    Requests.onlyKeys(req, "objectId", "kind", "timeoutMs");
    ObjectId oid = Requests.objectId(req, "objectId");
    long deadline = clock.millis() + Requests.timeoutMs(req, "timeoutMs", getTimeoutMs);
    return host.rebuild(oid, Requests.string(req, "kind"), deadline).map(Location::toJson);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    host.close();
    return Future.succeededFuture();
  }
}
