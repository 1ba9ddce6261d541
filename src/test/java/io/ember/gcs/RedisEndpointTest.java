package io.ember.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.conf.EmberConf;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {

  @Test
  void aStandaloneEndpointIsOneServer() {
    RedisEndpoint e = RedisEndpoint.standalone("127.0.0.1", 6390);
    RedisOptions o = e.options();
    assertEquals(RedisClientType.STANDALONE, o.getType());
    assertEquals(List.of("redis://127.0.0.1:6390"), o.getEndpoints());
    assertEquals("127.0.0.1:6390", e.describe());
    assertEquals("127.0.0.1:6390", e.wire());
  }

  @Test
  void aSentinelEndpointAsksEverySentinelForTheMaster() {
    RedisEndpoint e = RedisEndpoint.sentinel(List.of("10.0.0.1:26379", "10.0.0.2:26380"), "ember");
    RedisOptions o = e.options();
    assertEquals(RedisClientType.SENTINEL, o.getType());
    assertEquals(RedisRole.MASTER, o.getRole());
    assertEquals("ember", o.getMasterName());
    assertEquals(List.of("redis://10.0.0.1:26379", "redis://10.0.0.2:26380"), o.getEndpoints());
    assertEquals(false, o.isAutoFailover());
    assertEquals("master 'ember' via sentinels 10.0.0.1:26379,10.0.0.2:26380", e.describe());
    assertEquals("sentinel:ember@10.0.0.1:26379,10.0.0.2:26380", e.wire());
  }

  @Test
  void optionsAreFreshEachTime() {
    RedisEndpoint e = RedisEndpoint.standalone("h", 1);
    e.options().setMaxPoolSize(1).setMaxPoolWaiting(1);
    assertEquals(new RedisOptions().getMaxPoolSize(), e.options().getMaxPoolSize());
    assertEquals(new RedisOptions().getMaxPoolWaiting(), e.options().getMaxPoolWaiting());
  }

  @Test
  void theWireFormReadsBackAsTheSameEndpoint() {
    for (RedisEndpoint e : List.of(RedisEndpoint.standalone("127.0.0.1", 6390), RedisEndpoint.standalone("::1", 7000),
        RedisEndpoint.sentinel(List.of("a:1"), "m"), RedisEndpoint.sentinel(List.of("a:1", "b:2", "c:3"), "ember"))) {
      assertEquals(e, RedisEndpoint.parse(e.wire()));
    }
  }

  @Test
  void whatIsNotAnEndpointIsRefusedNamingTheText() {
    for (String bad : List.of("", "host", "host:", "host:x", "host:0", "sentinel:", "sentinel:@a:1", "sentinel:m@", "sentinel:m@a")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(bad), bad);
      assertTrue(e.getMessage().contains("'"), e.getMessage());
    }
  }

  @Test
  void aConfNamesTheEndpoint() {
    EmberConf sentinel = EmberConf.from("x", new JsonObject("{\"redis\": {\"sentinels\": [\"a:1\", \"b:2\"], \"masterName\": \"m\"}}"));
    assertEquals(RedisEndpoint.sentinel(List.of("a:1", "b:2"), "m"), RedisEndpoint.of(sentinel.redis()));
    EmberConf plain = EmberConf.from("x", new JsonObject("{\"redis\": {\"host\": \"h\", \"port\": 7}}"));
    assertEquals(RedisEndpoint.standalone("h", 7), RedisEndpoint.of(plain.redis()));
  }
}
