package io.ember.actor;

import io.ember.api.EmberException;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.monitor.VerdictFanout;
import io.ember.object.Location;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.protocol.ActorsPlaced;
import io.ember.protocol.Addresses;
import io.ember.protocol.Handoff;
import io.ember.api.ErrorCode;
import io.ember.protocol.NodeDeath;
import io.ember.protocol.Requests;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
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
  private volatile ActorHost host;
  private long sweepTimer;

  /**
   * @param hosts        builds the actor host on this verticle's event loop
   * @param sweepMs      how often to look in the table for actors this node should host and does not
   * @param getTimeoutMs the default time a rebuild request may take
   */
  public ActorVerticle(NodeId self, Function<Context, ActorHost> hosts, ActorJsonDoor jsonDoor, VerdictFanout deaths,
      long sweepMs, long getTimeoutMs, Clock clock) {
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
    var requests = bus.<Object>consumer(Addresses.actorsOf(self), this::onRequest);
    var calls = bus.<ActorCallSpec>consumer(Addresses.actorCallsOf(self), m -> {
      host.call(m.body()); // a duplicate is answered from the log or ignored while it runs: the host dedupes by (caller, seq)
      Handoff.ack(m);
    });
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
    var create = bus.<Object>consumer(Addresses.ACTOR_CREATE, m -> Requests.replyWith(m, jsonDoor.create(m.body())));
    var call = bus.<Object>consumer(Addresses.ACTOR_CALL, m -> Requests.replyWith(m, jsonDoor.call(m.body())));
    sweepTimer = vertx.setPeriodic(sweepMs, t -> host.sweep());
    return Future.all(requests.completion(), calls.completion(), create.completion(), call.completion());
  }

  private void onRequest(Message<Object> m) {
    String op = m.headers().get("op");
    try {
      if ("create".equals(op) && m.body() instanceof ActorCreateSpec spec) {
        Requests.replyWith(m, host.create(spec));
      } else if ("rebuild".equals(op)) {
        JsonObject req = Requests.object(m.body());
        ObjectId oid = Requests.objectId(req, "objectId");
        long deadline = clock.millis() + Requests.longValue(req, "timeoutMs", getTimeoutMs);
        Requests.replyWith(m, host.rebuild(oid, Requests.string(req, "kind"), deadline).map(Location::toJson));
      } else {
        m.fail(ErrorCode.BAD_REQUEST.code, "actor host: unknown op '" + op + "'");
      }
    } catch (EmberException e) {
      Requests.fail(m, e);
    } catch (RuntimeException e) {
      m.fail(ErrorCode.BAD_REQUEST.code, "actor host: " + e.getMessage());
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    host.close();
    return Future.succeededFuture();
  }
}
