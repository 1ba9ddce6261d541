package io.ember.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.conf.EmberConf;
import io.ember.gcs.RedisGroup.Address;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisGroupLayoutTest {

  @Test
  void theShippedConfsDescribeThreeMembersOnFixedPortsWithAMajorityQuorum() {
    RedisGroup head = RedisGroup.of(EmberConf.load(Path.of("conf/head.json")));
    RedisGroup worker = RedisGroup.of(EmberConf.load(Path.of("conf/worker.json")));
    assertEquals(head, worker); // every node computes the same layout
    assertEquals(3, head.members().size());
    for (int i = 0; i < 3; i++) {
      assertEquals(new Address("127.0.0.1", 6390 + i), head.members().get(i).redis());
      assertEquals(new Address("127.0.0.1", 26390 + i), head.members().get(i).sentinel());
    }
    assertEquals(2, head.quorum());
    assertEquals("ember", head.masterName());
    assertEquals(Path.of("data/head/redis/redis-6390"), head.members().get(0).redisDir(Path.of("data/head/redis")));
    assertEquals(Path.of("data/worker/redis/sentinel-26391"), head.members().get(1).sentinelDir(Path.of("data/worker/redis")));
  }

  @Test
  void memberZeroRunsOnRedisHostAndTheOthersOnTheirSentinelsHost() {
    RedisGroup g = RedisGroup.of("m", "10.0.0.1", 7000, 2, List.of("10.0.0.1:27000", "10.0.0.2:27001", "10.0.0.3:27002"));
    assertEquals(new Address("10.0.0.1", 7000), g.members().get(0).redis());
    assertEquals(new Address("10.0.0.2", 7001), g.members().get(1).redis());
    assertEquals(new Address("10.0.0.3", 7002), g.members().get(2).redis());
    assertEquals(g.members().get(2), g.byRedis(new Address("10.0.0.3", 7002)));
    assertEquals(3, RedisGroup.of("m", "h", 1, 4, List.of("h:1", "h:2", "h:3", "h:4", "h:5")).quorum());
  }

  @Test
  void aSentinelCountThatIsNotReplicasPlusOneIsRefused() {
    String m = assertThrows(IllegalArgumentException.class, () -> RedisGroup.of("m", "h", 1, 2, List.of("h:1", "h:2"))).getMessage();
    assertTrue(m.contains("needs 3 sentinels"), m);
  }
}
