package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ember.node.EmberNode;
import io.ember.protocol.Addresses;
import io.ember.testing.LocalCluster;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A user's Vert.x joins the cluster a node conf names (here one with a random name, not the
 * launcher's default 'ember') through {@link EmberNode#joinCluster}, and drives Ember over the bus.
 */
@Timeout(120)
class JoinClusterTest {
  @Test
  void aVertxJoinedFromANodeConfReachesThatClustersNodes() throws Exception {
    try (LocalCluster cluster = LocalCluster.startWithTls(1, conf -> {})) {
      Path conf = cluster.dir().resolve("user.json");
      Files.writeString(conf, cluster.baseConf("user").encodePrettily());
      Vertx user = await(EmberNode.joinCluster(conf.toString()));
      try {
        DeliveryOptions wait = new DeliveryOptions().setSendTimeout(30_000);
        JsonObject add = new JsonObject().put("function", "io.ember.examples.Fns.add").put("args", new JsonArray().add(40).add(2));
        JsonObject sub = await(user.eventBus().<JsonObject>request(Addresses.SUBMIT, add, wait).map(Message::body));
        JsonObject got = await(user.eventBus().<JsonObject>request(Addresses.GET,
            new JsonObject().put("objectId", sub.getString("objectId")), wait).map(Message::body));
        assertEquals(42L, ((Number) got.getValue("value")).longValue());
        JsonObject status = await(user.eventBus().<JsonObject>request(Addresses.STATUS, new JsonObject().put("recoveries", 0), wait)
            .map(Message::body));
        assertEquals(0, status.getInteger("recoveriesShown"));
      } finally {
        await(user.close());
      }
    }
  }
}
