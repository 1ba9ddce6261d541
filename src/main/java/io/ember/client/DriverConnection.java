package io.ember.client;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.gcs.Gcs;
import io.ember.gcs.RedisEndpoint;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.owner.Ledger;
import io.ember.owner.OwnerRequests;
import io.ember.monitor.ClusterView;
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.ember.protocol.Heartbeat;
import io.ember.security.ClusterSecurity;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.logging.Logger;

/**
 * How a driver that is not a node joins: ask any node for its status (which names that node and
 * the cluster's Redis), connect to the same Redis, and make a client whose home is that node.
 */
final class DriverConnection {
  private static final Logger LOG = Logger.getLogger(DriverConnection.class.getName());

  /** A driver's in-flight limit (system property {@code ember.client.maxInFlight}); see {@code InFlightGate}. */
  static final String MAX_IN_FLIGHT_PROPERTY = "ember.client.maxInFlight";
  static final int DEFAULT_MAX_IN_FLIGHT = 10_000;

  private DriverConnection() {}

  /** The Redis password the node's brief status names the way to (see {@code StatusEndpoint.redisAuth}). */
  static String redisPassword(JsonObject status) {
    switch (status.getString("redisAuth", "none")) {
      case "secret":
        return ClusterSecurity.joined().orElseThrow(() -> new EmberException(ErrorCode.UNAVAILABLE, "the cluster's Redis needs"
            + " the password derived from the cluster secret, and this JVM did not join through HazelcastSetup (which reads"
            + " the secret): join with EmberNode.joinCluster(conf)")).redisPassword();
      case "conf":
        return status.getString("redisPassword");
      default:
        return null;
    }
  }

  static int maxInFlight() {
    return Integer.getInteger(MAX_IN_FLIGHT_PROPERTY, DEFAULT_MAX_IN_FLIGHT);
  }

  /** A driver that is not a node keeps its own view of the cluster, from the heartbeats it hears. */
  static MessageConsumer<Object> hearHeartbeats(Vertx vertx, ClusterView view, Clock clock) {
    return vertx.eventBus().consumer(Addresses.HEARTBEAT, m -> {
      Heartbeat beat = Codecs.bodyOf(m, Heartbeat.class); // null when unreadable
      if (beat != null) view.onHeartbeat(beat, clock.millis());
    });
  }

  static Future<EmberClient> open(Vertx vertx, JobId job, long defaultTimeoutMs) {
    Codecs.register(vertx.eventBus());
    Clock clock = Clock.systemUTC();
    return OwnerRequests.askStatus(vertx, clock, clock.millis() + 10_000)
        .recover(err -> Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE,
            "no Ember node answered on the event bus (is the cluster up, with the same cluster settings?): " + err.getMessage())))
        .compose(m -> {
          NodeId home = new NodeId(m.body().getString("self"));
          RedisEndpoint redis = RedisEndpoint.parse(m.body().getString("redis")).withPassword(redisPassword(m.body()));
          int replicaAcks = m.body().getInteger("minReplicaAcks", 0);   // the cluster's: a driver's claims wait for replicas too
          boolean onceGrown = m.body().getBoolean("replicaAcksOnceGrown", false);
          return Gcs.connect(vertx, redis).map(g -> g.requireReplicaAcks(replicaAcks, onceGrown)).compose(gcs -> {
            // a driver's resubmissions go to the same ledger as a node's, appended directly
            Ledger ledger = entry -> gcs.ledger().append(entry).onFailure(err -> LOG.warning("recovery ledger append failed: " + err));
            return EmberClient.driver(vertx, home, job, defaultTimeoutMs, gcs, ledger, clock);
          });
        });
  }
}
