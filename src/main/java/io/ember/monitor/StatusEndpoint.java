package io.ember.monitor;

import io.ember.api.EmberException;
import io.ember.gcs.Gcs;
import io.ember.ids.NodeId;
import io.ember.api.ErrorCode;
import io.ember.protocol.JsonDoor;
import io.ember.protocol.Requests;
import io.ember.security.ClusterSecurity;
import io.vertx.core.Future;
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

  /** Replies to {@code m}: a malformed request (not a JSON object, an unknown field, a non-boolean {@code brief}) is BAD_REQUEST. */
  public void handle(Message<Object> m) {
    JsonDoor.serve("status", r -> answer(r.body())).handle(m);
  }

  /**
   * How a driver authenticates to Redis: {@code redisAuth} "none", "secret" (the password derived
   * from the cluster secret, which the driver derives itself: never sent), or "conf" (a password
   * the node's conf gives, {@code redis.password}, which cannot be derived: sent as
   * {@code redisPassword}, over the event bus that with {@code cluster.tls} only holders of the
   * secret can join).
   */
  private JsonObject redisAuth(JsonObject reply) {
    String pw = gcs.endpoint().password();
    if (pw == null || pw.isEmpty()) return reply.put("redisAuth", "none");
    if (ClusterSecurity.joined().map(s -> s.redisPassword().equals(pw)).orElse(false)) return reply.put("redisAuth", "secret");
    return reply.put("redisAuth", "conf").put("redisPassword", pw);
  }

  /** {@code body}: null or {@code {}} (the full report), or {@code {"brief": true|false}}. */
  Future<JsonObject> answer(Object body) {
    JsonObject req = body == null ? new JsonObject() : Requests.object(body);
    Requests.onlyKeys(req, "brief", "recoveries");
    if (req.containsKey("brief") && Requests.bool(req, "brief")) {
      return Future.succeededFuture(redisAuth(new JsonObject().put("self", self.value()).put("redis", gcs.endpoint().wire())
          .put("minReplicaAcks", gcs.replicaAcks()).put("replicaAcksOnceGrown", gcs.replicaAcksOnceGrown())));
    }
    return StatusReport.build(gcs, recoveriesAsked(req)).map(s -> s.put("self", self.value()))
        .recover(err -> Future.failedFuture(err instanceof EmberException e && e.code() == ErrorCode.BAD_REQUEST ? err
            : new EmberException(ErrorCode.UNAVAILABLE, "status: the GCS did not answer: " + err.getMessage())));
  }

  /** The request's {@code recoveries}: absent = the default; otherwise an integer >= 0. */
  static int recoveriesAsked(Object body) {
    if (!(body instanceof JsonObject req) || !req.containsKey("recoveries")) return StatusReport.DEFAULT_RECOVERIES;
    int n = Requests.integer(req, "recoveries");
    if (n < 0) throw Requests.bad("'recoveries' must be an integer >= 0, got " + n);
    return n;
  }
}
