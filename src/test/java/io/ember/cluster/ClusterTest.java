package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ObjectRef;
import io.ember.api.TaskFailedException;
import io.ember.client.EmberClient;
import io.ember.examples.Fns;
import io.ember.api.ErrorCode;
import io.ember.testing.LocalCluster;
import io.ember.testing.TestFns;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three real node JVMs and a real redis-server: tasks, DAGs, nested tasks and big objects across nodes. */
@Timeout(180)
class ClusterTest {
  static LocalCluster cluster;
  static EmberClient ember;

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.startWithTls(3, conf -> {});
    ember = cluster.client();
  }

  @AfterAll
  static void down() {
    if (cluster != null) cluster.close();
  }

  @Test
  void dagOfDependentTasksAcrossNodesGivesTheExactSum() {
    int n = 300;
    List<ObjectRef<Long>> level = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      // pin the leaves round-robin so that the reduction must move objects between nodes
      level.add(ember.task(Fns::square, i).resource("node:n" + (i % 3), 1).remote());
    }
    while (level.size() > 1) {
      List<ObjectRef<Long>> next = new ArrayList<>();
      for (int i = 0; i + 1 < level.size(); i += 2) next.add(ember.task(Fns::add, level.get(i), level.get(i + 1)).remote());
      if (level.size() % 2 == 1) next.add(level.get(level.size() - 1));
      level = next;
    }
    assertEquals((long) n * (n + 1) * (2L * n + 1) / 6, level.get(0).get(Duration.ofSeconds(60)));
  }

  @Test
  void tasksSpillToOtherNodesWhenOneIsBusy() {
    List<ObjectRef<String>> refs = new ArrayList<>();
    List<ObjectRef<Long>> slow = new ArrayList<>();
    for (int i = 0; i < 24; i++) slow.add(ember.task(TestFns::addSlow, 1L, 2L, 200).remote());
    for (ObjectRef<Long> r : slow) assertEquals(3L, r.get(Duration.ofSeconds(60)));
    for (int i = 0; i < 3; i++) refs.add(ember.task(TestFns::whereAmI).resource("node:n" + i, 1).remote());
    Set<String> where = new HashSet<>();
    for (ObjectRef<String> r : refs) where.add(r.get(Duration.ofSeconds(30)));
    assertEquals(3, where.size(), "each pinned task ran on its own node: " + where);
  }

  @Test
  void nestedTasksDeeperThanThePoolDoNotDeadlock() {
    // fib(14) blocks ~600 tasks in get() on nodes with 2 worker slots each
    assertEquals(377L, ember.task(Fns::fib, 14).remote().get(Duration.ofSeconds(120)));
  }

  @Test
  void hundredMegabyteObjectMovesBetweenNodesIntact() {
    int size = 100 * 1024 * 1024;
    ObjectRef<byte[]> big = ember.task(Fns::bytes, size, 7).resource("node:n0", 1).remote();
    ObjectRef<Long> sum = ember.task(Fns::checksum, big).resource("node:n1", 1).remote();
    assertEquals(Fns.checksum(Fns.bytes(size, 7)), sum.get(Duration.ofSeconds(120)));
    byte[] here = big.get(Duration.ofSeconds(120)); // and to this driver JVM, over TCP
    assertEquals(size, here.length);
  }

  @Test
  void putValuesCanBeArgumentsAndGot() {
    ObjectRef<String> name = ember.put("ember");
    assertEquals("ember", name.get(Duration.ofSeconds(10)));
    assertEquals("hello, ember", ember.task(Fns::greet, name).resource("node:n2", 1).remote().get(Duration.ofSeconds(30)));
  }

  @Test
  void userExceptionsArriveTypedWithTheRemoteType() {
    ObjectRef<Long> r = ember.task(Fns::fail, "boom").remote();
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> r.get(Duration.ofSeconds(30)));
    assertEquals("java.lang.IllegalStateException", e.remoteType());
    assertEquals("boom", e.remoteMessage());
    assertTrue(e.remoteStack().contains("Fns.fail"), e.remoteStack());
  }

  @Test
  void unknownAndUnregisteredFunctionsAreRefused() {
    EmberException e = assertThrows(EmberException.class, () -> ember.task(TestFns::secret).remote().get(Duration.ofSeconds(30)));
    assertEquals(ErrorCode.UNKNOWN_FUNCTION, e.code());
    EmberException e2 = assertThrows(EmberException.class,
        () -> ember.taskByName("java.lang.System.exit", 1).remote().get(Duration.ofSeconds(30)));
    assertEquals(ErrorCode.UNKNOWN_FUNCTION, e2.code());
  }

  @Test
  void unserialisableValuesFailTyped() {
    EmberException put = assertThrows(EmberException.class, () -> ember.put(new Object()));
    assertEquals(ErrorCode.NOT_SERIALIZABLE, put.code());
    EmberException ret = assertThrows(EmberException.class, () -> ember.task(Fns::unserialisable).remote().get(Duration.ofSeconds(30)));
    assertEquals(ErrorCode.NOT_SERIALIZABLE, ret.code());
  }

  @Test
  void statusListsEveryNodeAlive() throws Exception {
    JsonObject s = await(ember.status());
    assertEquals(3, s.getJsonArray("nodes").size());
    for (Object o : s.getJsonArray("nodes")) assertEquals("ALIVE", ((JsonObject) o).getString("state"));
  }
}
