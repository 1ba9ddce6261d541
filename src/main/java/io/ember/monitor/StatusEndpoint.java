package io.ember.monitor;

import io.ember.api.EmberException;
import io.ember.gcs.Gcs;
import io.ember.ids.NodeId;
import io.ember.api.ErrorCode;
import io.ember.protocol.Requests;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Answers {@link io.ember.protocol.Addresses#STATUS}: {@code {"brief": true}} gets this node's
 * id and its Redis endpoint (how a driver finds the GCS); anything else the full
 * {@link StatusReport}, read from Redis, with {@code "self"} added. {@code {"recoveries": N}}
 * asks for the newest N entries of each ledger list (default {@value StatusReport#DEFAULT_RECOVERIES});
 * an N that is not an integer >= 0 gets {@code BAD_REQUEST}. Never caches: every answer is read fresh.
 */
public final class StatusEndpoint {
  private final NodeId self;
  private final Gcs gcs;

  public StatusEndpoint(NodeId self, Gcs gcs) {
    this.self = self;
    this.gcs = gcs;
  }

  public void handle(Message<Object> m) {
    if (m.body() instanceof JsonObject req && req.getBoolean("brief", false)) {
      m.reply(new JsonObject().put("self", self.value()).put("redis", gcs.host() + ":" + gcs.port()));
      return;
    }
    int recoveries;
    try {
      recoveries = recoveriesAsked(m.body());
    } catch (EmberException e) {
      Requests.fail(m, e);
      return;
    }
    StatusReport.build(gcs, recoveries).onComplete(ar -> {
      if (ar.succeeded()) m.reply(ar.result().put("self", self.value()));
      else m.fail(ErrorCode.UNAVAILABLE.code, "status: the GCS did not answer: " + ar.cause().getMessage());
    });
  }

  /** The request's {@code recoveries}: absent = the default; otherwise an integer >= 0. */
  static int recoveriesAsked(Object body) {
    if (!(body instanceof JsonObject req) || !req.containsKey("recoveries")) return StatusReport.DEFAULT_RECOVERIES;
    int n = Requests.integer(req, "recoveries");
    if (n < 0) throw Requests.bad("'recoveries' must be an integer >= 0, got " + n);
    return n;
  }
}
