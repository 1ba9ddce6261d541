package io.ember.monitor;

import io.ember.node.NodeRuntime;
import io.ember.protocol.Addresses;
import io.ember.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Receives every component's heartbeats (its own node's and its peers') into the
 * {@link ClusterView}, records this node's heartbeat and load in the node table, and answers
 * {@code ember.status}. Failure decisions (a peer silent past the timeout, membership events,
 * leader election) build on the same view.
 */
public final class MonitorVerticle extends VerticleBase {
  private final NodeRuntime rt;

  public MonitorVerticle(NodeRuntime rt) {
    this.rt = rt;
  }

  @Override
  public Future<?> start() {
    var hb = vertx.eventBus().<JsonObject>consumer(Addresses.HEARTBEAT, this::onHeartbeat);
    var status = vertx.eventBus().<Object>consumer(Addresses.STATUS, this::onStatus);
    return Future.all(hb.completion(), status.completion());
  }

  private void onHeartbeat(Message<JsonObject> m) {
    JsonObject hb = m.body();
    long now = System.currentTimeMillis();
    try {
      rt.view.onHeartbeat(hb, now);
    } catch (RuntimeException malformed) {
      return; // a heartbeat we cannot read is ignored, never fatal
    }
    if (rt.nodeId.value().equals(hb.getString("node")) && Heartbeat.SCHEDULER.equals(hb.getString("component"))) {
      JsonObject load = new JsonObject().put("slots", hb.getValue("slots")).put("busy", hb.getValue("busy"))
          .put("queued", hb.getValue("queued")).put("objects", rt.store.count()).put("memoryBytes", rt.store.memoryBytes());
      rt.writer.heartbeat(now, load.encode());
    }
  }

  private void onStatus(Message<Object> m) {
    if (m.body() instanceof JsonObject req && req.getBoolean("brief", false)) {
      m.reply(new JsonObject().put("self", rt.nodeId.value()));
      return;
    }
    StatusReport.build(rt.gcs, System.currentTimeMillis()).onComplete(ar -> {
      if (ar.succeeded()) m.reply(ar.result().put("self", rt.nodeId.value()));
      else m.fail(ErrorCode.UNAVAILABLE.code, "status: the GCS did not answer: " + ar.cause().getMessage());
    });
  }
}
