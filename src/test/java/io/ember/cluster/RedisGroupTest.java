package io.ember.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.ember.gcs.RedisGroup.Address;
import io.ember.gcs.RedisGroup.Member;
import io.ember.testing.GroupCluster;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestFns;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The embedded Redis group ({@code redis.replicas: 2}) on a head and two worker JVMs: who runs
 * what, and a replica's restart by its node's supervisor. Real node JVMs, real redis-server and
 * sentinel processes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisGroupTest {
  private static GroupCluster g;

  @BeforeAll
  static void start() throws Exception {
    g = GroupCluster.start();
  }

  @AfterAll
  static void stop() {
    if (g != null) g.close();
  }

  @Test
  @Order(1)
  void theHeadRunsThePrimaryAndEachWorkerASyncedReplicaAndEveryMemberASentinel() throws Exception {
    Address first = g.group.members().get(0).redis();
    LocalCluster.poll("the sentinels name member 0 the primary", Duration.ofSeconds(20),
        () -> g.primary().equals(Optional.of(first)));
    assertEquals("master", g.role(first));
    for (Member m : g.group.members().subList(1, g.group.members().size())) {
      LocalCluster.poll("member " + m.index() + " synced", Duration.ofSeconds(20), () -> g.synced(m.redis()));
      assertEquals("slave", g.role(m.redis()));
    }
    for (Member m : g.group.members()) assertEquals("sentinel", g.role(m.sentinel()));
    assertEquals(7L, (long) g.cluster.client().task(TestFns::addSlow, 3L, 4L, 1).remote().get(Duration.ofSeconds(30)));
  }

  @Test
  @Order(2)
  void twoWorkersStartedTogetherTakeDifferentMembers() {
    assertEquals(java.util.Set.of(1, 2), java.util.Set.of(memberOf("w1"), memberOf("w2")));
  }

  /** The member a node's log says it looks after (0 if none). */
  private static int memberOf(String node) {
    String log = g.cluster.logOf(g.cluster.node(node));
    for (int i = 1; i <= GroupCluster.REPLICAS; i++) if (log.contains("looks after member " + i + " ")) return i;
    return 0;
  }

  @Test
  @Order(3)
  void aSentinelKilledMinusNineIsRestartedUnderItsOwnId() throws Exception {
    Address sentinel = g.group.members().get(2).sentinel();
    String id = g.sentinelId(sentinel);
    long before = g.kill(sentinel);
    long t0 = System.nanoTime();
    LocalCluster.poll("member 2's sentinel back", Duration.ofSeconds(20), () -> g.pid(sentinel) > 0);
    System.out.printf("sentinel restarted %d ms after kill -9%n", (System.nanoTime() - t0) / 1_000_000);
    assertNotEquals(before, g.pid(sentinel));
    assertEquals(id, g.sentinelId(sentinel));
    assertEquals(Optional.of(g.group.members().get(0).redis()), g.primary());
  }

  @Test
  @Order(4)
  void aReplicaKilledMinusNineIsRestartedByItsNodeAndResyncs() throws Exception {
    Address replica = g.group.members().get(1).redis();
    LocalCluster.poll("member 1 synced", Duration.ofSeconds(20), () -> g.synced(replica));
    long before = g.kill(replica);
    long t0 = System.nanoTime();
    LocalCluster.poll("member 1 restarted and synced", Duration.ofSeconds(20),
        () -> g.pid(replica) > 0 && g.synced(replica));
    System.out.printf("replica restarted and resynced %d ms after kill -9%n", (System.nanoTime() - t0) / 1_000_000);
    assertNotEquals(before, g.pid(replica));
    assertEquals("slave", g.role(replica));
  }

  /**
   * A sentinel that missed a failover names the gone primary for ever (seen: the head's sentinel,
   * whose primary died before it had heard of the other sentinels and the replicas); its node's
   * supervisor restarts it watching the primary the others name. Made here by pointing member 2's
   * sentinel at a port nothing listens on.
   */
  @Test
  @Order(5)
  void aSentinelThatNamesAGonePrimaryIsRestartedWatchingTheOneTheOthersName() throws Exception {
    Address sentinel = g.group.members().get(2).sentinel();
    Address live = g.group.members().get(0).redis();
    long before = g.pid(sentinel);
    int gone = io.ember.gcs.RedisProcess.freePort();
    g.link.await(g.link.ask(sentinel, Request.cmd(Command.SENTINEL).arg("REMOVE").arg(g.group.masterName())));
    g.link.await(g.link.ask(sentinel, Request.cmd(Command.SENTINEL).arg("MONITOR").arg(g.group.masterName())
        .arg("127.0.0.1").arg(gone).arg(2)));
    long t0 = System.nanoTime();
    LocalCluster.poll("member 2's sentinel restarted, naming the live primary", Duration.ofSeconds(30), () -> {
      try {
        Response said = g.link.await(g.link.ask(sentinel, Request.cmd(Command.SENTINEL).arg("get-master-addr-by-name")
            .arg(g.group.masterName())));
        return g.pid(sentinel) != before && said != null && said.get(1).toInteger() == live.port();
      } catch (java.io.IOException e) {
        return false;
      }
    });
    System.out.printf("stale sentinel restarted %d ms after it went stale%n", (System.nanoTime() - t0) / 1_000_000);
    assertEquals(Optional.of(live), g.primary());
    assertEquals(7L, (long) g.cluster.client().task(TestFns::addSlow, 3L, 4L, 1).remote().get(Duration.ofSeconds(30)));
  }
}
