package io.ember.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class EmberConfTest {

  static String error(String json) {
    return assertThrows(ConfException.class, () -> EmberConf.from("conf/x.json", new JsonObject(json))).getMessage();
  }

  @Test
  void shippedConfsAreValid() {
    EmberConf head = EmberConf.load(Path.of("conf/head.json"));
    assertTrue(head.redis().embedded());
    assertEquals(6390, head.redis().port());
    EmberConf worker = EmberConf.load(Path.of("conf/worker.json"));
    assertEquals(false, worker.redis().embedded());
    assertEquals(6390, worker.redis().port());
    // the README's 3-node cluster runs the embedded Redis group: a primary, 2 replicas, 3 sentinels
    for (EmberConf c : new EmberConf[] {head, worker}) {
      assertEquals(2, c.redis().replicas());
      assertEquals(java.util.List.of("127.0.0.1:26390", "127.0.0.1:26391", "127.0.0.1:26392"), c.redis().sentinels());
    }
  }

  @Test
  void defaultsMakeASingleNodeWithEmbeddedRedis() {
    EmberConf c = EmberConf.from("none", new JsonObject());
    assertTrue(c.redis().embedded());
    assertEquals(0, c.redis().port());
    assertEquals("ember", c.cluster().name());
    assertTrue(c.heartbeat().timeoutMs() > c.heartbeat().intervalMs());
  }

  @Test
  void unknownKeysNameFileKeyAndKnownKeys() {
    String m = error("{\"redis\": {\"hots\": \"x\"}}");
    assertTrue(m.startsWith("conf/x.json: unknown key 'redis.hots'"), m);
    assertTrue(m.contains("host, port"), m);
    assertTrue(error("{\"colour\": 1}").contains("unknown key 'colour'"));
  }

  @Test
  void wrongTypesNameTheExpectedType() {
    String m = error("{\"redis\": {\"port\": \"6390\"}}");
    assertEquals("conf/x.json: key 'redis.port' must be an integer, got string \"6390\"", m);
    assertTrue(error("{\"node\": {\"resources\": {\"cpu\": \"two\"}}}").contains("'node.resources' must be an object of numbers"));
    assertTrue(error("{\"functions\": \"a.B\"}").contains("'functions' must be an array of strings"));
    assertTrue(error("{\"cluster\": {\"portAutoIncrement\": 1}}").contains("must be a boolean"));
  }

  @Test
  void serialAllowTakesClassesAndPackagesAndMaxDepthIsPositive() {
    EmberConf c = EmberConf.from("x", new JsonObject("{\"serial\": {\"allow\": [\"com.acme.Point\", \"com.acme.model.*\"], \"maxDepth\": 40}}"));
    assertEquals(java.util.List.of("com.acme.Point", "com.acme.model.*"), c.serial().allow());
    assertEquals(40, c.serial().maxDepth());
    assertEquals(20, EmberConf.from("x", new JsonObject()).serial().maxDepth());
    assertTrue(error("{\"serial\": {\"allow\": [\"com.acme.*.x\"]}}").contains("'serial.allow' must list class names"));
    assertTrue(error("{\"serial\": {\"maxDepth\": 0}}").contains("'serial.maxDepth' must be > 0"));
  }

  @Test
  void badValuesAreRefused() {
    assertTrue(error("{\"heartbeat\": {\"intervalMs\": 500, \"timeoutMs\": 400}}").contains("must be greater than"));
    assertTrue(error("{\"redis\": {\"port\": 70000}}").contains("port number"));
    assertTrue(error("{\"objects\": {\"capacityMb\": 0}}").contains("must be > 0"));
  }

  @Test
  void redisReplicasDefaultToNoneAndAreChecked() {
    assertEquals(0, EmberConf.from("none", new JsonObject()).redis().replicas());
    assertEquals(0, EmberConf.from("x", new JsonObject("{\"redis\": {\"host\": \"h\", \"port\": 6390}}")).redis().replicas());
    assertEquals("conf/x.json: key 'redis.replicas' must be an integer, got string \"2\"",
        error("{\"redis\": {\"port\": 6390, \"replicas\": \"2\"}}"));
    assertEquals("conf/x.json: key 'redis.replicas' must be >= 0, got -1", error("{\"redis\": {\"port\": 6390, \"replicas\": -1}}"));
    String three = "\"sentinels\": [\"127.0.0.1:26390\", \"127.0.0.1:26391\", \"127.0.0.1:26392\"]";
    String m = error("{\"redis\": {\"embedded\": true, \"replicas\": 2, " + three + "}}");
    assertTrue(m.contains("'redis.replicas' (2) needs a fixed 'redis.port'"), m);
    m = error("{\"redis\": {\"embedded\": true, \"port\": 6390, \"replicas\": 2}}");
    assertTrue(m.contains("'redis.replicas' (2) needs 'redis.sentinels' to list 3 sentinels"), m);
    m = error("{\"redis\": {\"port\": 6390, \"replicas\": 1, " + three + "}}");
    assertTrue(m.contains("'redis.replicas' (1) needs 'redis.sentinels' to list 2 sentinels") && m.endsWith("got 3"), m);
  }

  @Test
  void aGroupConfNamesMemberZeroAndItsSentinelsTogether() {
    // with replicas the sentinels are the group's own: host, port and embedded say where member 0 runs and who is the head
    String three = "\"sentinels\": [\"127.0.0.1:26390\", \"127.0.0.1:26391\", \"127.0.0.1:26392\"]";
    EmberConf head = EmberConf.from("x", new JsonObject("{\"redis\": {\"embedded\": true, \"host\": \"127.0.0.1\", \"port\": 6390, "
        + "\"replicas\": 2, " + three + "}}"));
    assertEquals(2, head.redis().replicas());
    assertTrue(head.redis().embedded());
    assertEquals(3, head.redis().sentinels().size());
    assertEquals("ember", head.redis().masterName());
    EmberConf worker = EmberConf.from("x", new JsonObject("{\"redis\": {\"host\": \"127.0.0.1\", \"port\": 6390, \"replicas\": 2, "
        + three + "}}"));
    assertEquals(false, worker.redis().embedded());
    // without replicas the old rule holds: sentinels name an external Redis, alone
    assertTrue(error("{\"redis\": {\"port\": 6390, " + three + "}}").contains("cannot both be set"));
  }

  @Test
  void minReplicaAcksDefaultsToZeroWithoutAGroupAndToOneWithItAndMustBeAnIntegerAtLeastZero() {
    assertEquals(0, EmberConf.from("none", new JsonObject()).redis().minReplicaAcks());
    assertEquals(1, EmberConf.from("none", new JsonObject("{\"redis\": {\"port\": 6390, \"replicas\": 2,"
        + " \"sentinels\": [\"127.0.0.1:26390\", \"127.0.0.1:26391\", \"127.0.0.1:26392\"]}}")).redis().minReplicaAcks());
    assertEquals(0, EmberConf.from("none", new JsonObject("{\"redis\": {\"host\": \"h\"}}")).redis().minReplicaAcks());
    assertEquals(2, EmberConf.from("none", new JsonObject("{\"redis\": {\"host\": \"h\", \"minReplicaAcks\": 2}}"))
        .redis().minReplicaAcks());
    assertEquals("conf/x.json: key 'redis.minReplicaAcks' must be >= 0, got -1", error("{\"redis\": {\"minReplicaAcks\": -1}}"));
    assertTrue(error("{\"redis\": {\"minReplicaAcks\": \"1\"}}").contains("'redis.minReplicaAcks' must be an integer"));
    assertTrue(error("{\"redis\": {\"minReplicaAcks\": 1.5}}").contains("'redis.minReplicaAcks' must be an integer"));
  }

  @Test
  void unreadableOrNonJsonFilesAreNamed() throws Exception {
    Path f = Files.createTempFile("conf", ".json");
    Files.writeString(f, "{ not json");
    String m = assertThrows(ConfException.class, () -> EmberConf.load(f)).getMessage();
    assertTrue(m.startsWith(f + ": not a JSON object"), m);
    assertTrue(assertThrows(ConfException.class, () -> EmberConf.load(Path.of("/no/such.json"))).getMessage().contains("/no/such.json"));
  }

  @Test
  void actorKeysAreCheckedAndDefaulted() {
    EmberConf c = EmberConf.from("none", new JsonObject());
    assertEquals(-1, c.actors().maxRestarts());
    assertEquals(2, c.actors().checkpointsKept());
    assertEquals(1000, c.actors().checkpointEveryCalls());
    assertTrue(c.actors().classes().isEmpty());
    String m = error("{\"actors\": {\"classes\": \"x.Counter\"}}");
    assertTrue(m.contains("'actors.classes' must be an array of strings"), m);
    m = error("{\"actors\": {\"maxRestarts\": -2}}");
    assertTrue(m.contains("'actors.maxRestarts' must be -1 (unlimited) or >= 0"), m);
    m = error("{\"actors\": {\"checkpointEvery\": 5}}");
    assertTrue(m.startsWith("conf/x.json: unknown key 'actors.checkpointEvery'"), m);
  }

  @Test
  void startupWaitDefaultsToAMinuteAndMustBePositive() {
    assertEquals(60_000, EmberConf.from("none", new JsonObject()).startup().waitMs());
    assertEquals(5_000, EmberConf.from("none", new JsonObject("{\"startup\": {\"waitMs\": 5000}}")).startup().waitMs());
    assertTrue(error("{\"startup\": {\"waitMs\": 0}}").contains("'startup.waitMs' must be > 0"));
    assertTrue(error("{\"startup\": {\"waitMs\": \"60s\"}}").contains("'startup.waitMs' must be an integer"));
  }

  @Test
  void loggingLevelDefaultsToInfoTakesJulNamesAndCommonAliasesAndNamesTheChoicesOtherwise() {
    assertEquals(Level.INFO, EmberConf.from("none", new JsonObject()).logLevel());
    assertEquals(Level.FINE, EmberConf.from("none", new JsonObject("{\"logging\": {\"level\": \"debug\"}}")).logLevel());
    assertEquals(Level.WARNING, EmberConf.from("none", new JsonObject("{\"logging\": {\"level\": \"WARNING\"}}")).logLevel());
    String m = error("{\"logging\": {\"level\": \"loud\"}}");
    assertTrue(m.startsWith("conf/x.json: key 'logging.level' must be one of SEVERE (or ERROR), WARNING (or WARN), INFO") && m.endsWith("got \"loud\""), m);
    assertTrue(error("{\"logging\": {\"level\": 3}}").contains("'logging.level' must be a string"));
    assertTrue(error("{\"logging\": {\"file\": \"x\"}}").contains("unknown key 'logging.file'"));
  }
}
