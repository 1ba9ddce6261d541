package io.ember.monitor;

import io.ember.gcs.Gcs;
import io.ember.ids.NodeId;
import io.ember.api.ErrorCode;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * Answers {@link io.ember.protocol.Addresses#STATUS}: {@code {"brief": true}} gets this node's
 * id and its Redis endpoint (how a driver finds the GCS); anything else the full
 * {@link StatusReport}, read from Redis, with {@code "self"} added. Never caches: every answer
 * is read fresh.
 */
public final class StatusEndpoint {
  private final NodeId self;
  private final Gcs gcs;
  private final Clock clock;

  public StatusEndpoint(NodeId self, Gcs gcs, Clock clock) {
    this.self = self;
    this.gcs = gcs;
    this.clock = clock;
  }

  public void handle(Message<Object> m) {
    if (m.body() instanceof JsonObject req && req.getBoolean("brief", false)) {
      m.reply(new JsonObject().put("self", self.value()).put("redis", gcs.host() + ":" + gcs.port()));
      return;
    }
    StatusReport.build(gcs, clock.millis()).onComplete(ar -> {
      if (ar.succeeded()) m.reply(ar.result().put("self", self.value()));
      else m.fail(ErrorCode.UNAVAILABLE.code, "status: the GCS did not answer: " + ar.cause().getMessage());
    });
  }
}
