package io.ember.client;

import io.ember.actor.ActorHost;
import io.ember.ids.NodeId;
import io.ember.owner.ActorCalls;
import io.ember.protocol.ActorPlacement;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.protocol.Addresses;
import io.ember.protocol.Handoff;
import io.ember.protocol.RemoteFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * The actor route's messages on the event bus: creations (a request to the chosen node's actor
 * host) and calls (acknowledged {@link Handoff}s; to this node's own actor host directly, with
 * no bus hop, when it hosts the actor).
 */
final class ActorWire implements ActorCalls.ActorWire {
  private final Vertx vertx;
  private final EmberClient.Local local;
  private final long timeoutMs;
  private final Handoff handoff;

  ActorWire(Vertx vertx, EmberClient.Local local, long timeoutMs) {
    this.vertx = vertx;
    this.local = local;
    this.timeoutMs = timeoutMs;
    this.handoff = new Handoff(vertx, Clock.systemUTC());
  }

  @Override
  public Future<ActorPlacement> create(NodeId node, ActorCreateSpec spec) {
    DeliveryOptions o = RemoteFailure.accept(new DeliveryOptions()).addHeader("op", "create").setSendTimeout(timeoutMs);
    return vertx.eventBus().<JsonObject>request(Addresses.actorsOf(node), spec, o).map(m -> {
      JsonObject r = m.body();
      return new ActorPlacement(spec.actor(), new NodeId(r.getString("node")), r.getLong("incarnation"));
    });
  }

  @Override
  public Future<Void> send(NodeId node, ActorCallSpec call) {
    ActorHost host = local == null ? null : local.actors().get();
    if (host != null && node.equals(local.node()) && host.offerDirect(call)) return Future.succeededFuture();
    return handoff.once(Addresses.actorCallsOf(node), call, System.currentTimeMillis() + Handoff.ACK_TIMEOUT_MS);
  }
}
