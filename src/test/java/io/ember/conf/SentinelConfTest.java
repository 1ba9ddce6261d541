package io.ember.conf;

import static io.ember.conf.EmberConfTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code redis.sentinels} and {@code redis.masterName}: a Redis reached through Sentinel. */
class SentinelConfTest {

  @Test
  void sentinelsNameAnExternalRedisWithTheDefaultMasterName() {
    EmberConf c = EmberConf.from("conf/x.json",
        new JsonObject("{\"redis\": {\"sentinels\": [\"10.0.0.1:26379\", \"10.0.0.2:26379\"]}}"));
    assertFalse(c.redis().embedded());
    assertEquals(List.of("10.0.0.1:26379", "10.0.0.2:26379"), c.redis().sentinels());
    assertEquals("ember", c.redis().masterName());
    assertEquals("master 'ember' via sentinels 10.0.0.1:26379,10.0.0.2:26379", c.redis().endpoint());
  }

  @Test
  void aMasterNameIsTakenAsGiven() {
    EmberConf c = EmberConf.from("conf/x.json",
        new JsonObject("{\"redis\": {\"sentinels\": [\"h:26379\"], \"masterName\": \"mymaster\", \"embedded\": false}}"));
    assertEquals("mymaster", c.redis().masterName());
  }

  @Test
  void withoutSentinelsTheListIsEmpty() {
    assertTrue(EmberConf.from("none", new JsonObject()).redis().sentinels().isEmpty());
    assertTrue(EmberConf.from("none", new JsonObject("{\"redis\": {\"host\": \"h\"}}")).redis().sentinels().isEmpty());
  }

  @Test
  void wrongTypesNameTheFileTheKeyAndTheExpectedType() {
    assertEquals("conf/x.json: key 'redis.sentinels' must be an array of strings, got string \"h:26379\"",
        error("{\"redis\": {\"sentinels\": \"h:26379\"}}"));
    assertEquals("conf/x.json: key 'redis.masterName' must be a string, got number 3",
        error("{\"redis\": {\"sentinels\": [\"h:1\"], \"masterName\": 3}}"));
  }

  @Test
  void eachSentinelIsAHostAndAPort() {
    for (String bad : List.of("h", "h:", ":26379", "h:x", "h:0", "h:70000")) {
      String m = error("{\"redis\": {\"sentinels\": [\"" + bad + "\"]}}");
      assertTrue(m.startsWith("conf/x.json: key 'redis.sentinels' must hold \"host:port\" strings"), bad + " -> " + m);
    }
    assertTrue(error("{\"redis\": {\"sentinels\": []}}").contains("at least one sentinel"));
  }

  @Test
  void sentinelsAndAnotherWayToNameRedisAreRefused() {
    assertTrue(error("{\"redis\": {\"sentinels\": [\"h:1\"], \"host\": \"h\"}}")
        .contains("keys 'redis.sentinels' and 'redis.host' cannot both be set"));
    assertTrue(error("{\"redis\": {\"sentinels\": [\"h:1\"], \"port\": 6379}}")
        .contains("keys 'redis.sentinels' and 'redis.port' cannot both be set"));
    assertTrue(error("{\"redis\": {\"sentinels\": [\"h:1\"], \"embedded\": true}}").contains("'redis.embedded' is true"));
  }

  @Test
  void aMasterNameWithoutSentinelsOrWithSpacesIsRefused() {
    assertTrue(error("{\"redis\": {\"masterName\": \"m\"}}").contains("'redis.masterName' is only used with 'redis.sentinels'"));
    assertTrue(error("{\"redis\": {\"sentinels\": [\"h:1\"], \"masterName\": \"a b\"}}").contains("without spaces"));
  }
}
