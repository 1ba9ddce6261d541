package io.ember.cluster;

import static io.ember.testing.LocalCluster.await;
import static io.ember.testing.LocalCluster.poll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.examples.Fns;
import io.ember.gcs.GcsTesting;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.testing.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Put values on a real 3-node cluster: kept in two places, re-copied when a holder dies, lost
 * (typed, at once) only when both holders die together. Values are larger than a driver keeps
 * inline, so every get really fetches from a node; some are small enough to travel in the copy request.
 */
@Timeout(120)
public class PutReplicationTest {
  static final int SIZE = 64 * 1024;
  static final int PUTS = 4;

  /** Even puts are too large to travel in the copy request (the taker fetches them), odd ones small enough. */
  static int size(int i) {
    return i % 2 == 0 ? SIZE : 4 * 1024;
  }
  LocalCluster cluster;

  @AfterEach
  void down() {
    if (cluster != null) cluster.close();
  }

  @Test
  void putsSurviveTheDeathOfEachHolderInTurn() throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    List<ObjectRef<byte[]>> puts = new ArrayList<>();
    for (int i = 0; i < PUTS; i++) puts.add(ember.put(Fns.bytes(size(i), i)));
    for (int i = 0; i < PUTS; i++) assertArrayEquals(Fns.bytes(size(i), i), puts.get(i).get(Duration.ofSeconds(20)));
    poll("every put recorded on two nodes", Duration.ofSeconds(10), () -> puts.stream().allMatch(p -> liveHolders(p).size() == 2));
    ObjectId first = ObjectId.parse(puts.get(0).id());
    NodeId home = await(ember.ownedLocation(first)).node(); // the driver's home holds the first copy of each
    Set<NodeId> before = liveHolders(puts.get(0));
    assertTrue(before.contains(home), before + " holds the first copy, at " + home);

    killAndAwaitDead(cluster.nameOf(home));
    everyPutIsExact(ember, puts);
    poll("every put copied again to the two live nodes", Duration.ofSeconds(20), () -> puts.stream().allMatch(p -> liveHolders(p).size() == 2));

    before.remove(home);
    NodeId next = before.iterator().next(); // put 0's other holder since it was put
    killAndAwaitDead(cluster.nameOf(next));
    everyPutIsExact(ember, puts);
    assertEquals(1, liveHolders(puts.get(0)).size(), "one live node left: one copy");
  }

  @Test
  void bothHoldersKilledAtOnceMakeItsGetFailObjectLostPromptly() throws Exception {
    cluster = LocalCluster.start(3);
    EmberClient ember = cluster.client();
    ObjectRef<byte[]> put = ember.put(Fns.bytes(SIZE, 7));
    assertArrayEquals(Fns.bytes(SIZE, 7), put.get(Duration.ofSeconds(20)));
    poll("the put recorded on two nodes", Duration.ofSeconds(10), () -> liveHolders(put).size() == 2);
    List<String> holders = new ArrayList<>();
    for (NodeId n : liveHolders(put)) holders.add(cluster.nameOf(n));
    for (String h : holders) cluster.kill(h);
    for (String h : holders) poll(h + " DEAD in the node table", Duration.ofSeconds(15), () -> "DEAD".equals(state(h)));
    long t0 = System.currentTimeMillis();
    EmberException e = assertThrows(EmberException.class, () -> put.get(Duration.ofSeconds(30)));
    assertEquals(ErrorCode.OBJECT_LOST, e.code(), e.toString());
    assertTrue(e.getMessage().contains(put.id()), "names the put: " + e.getMessage());
    EmberException viaTask = assertThrows(EmberException.class, () -> ember.task(Fns::checksum, put).remote().get(Duration.ofSeconds(30)));
    assertEquals(ErrorCode.OBJECT_LOST, viaTask.code(), viaTask.toString());
    long ms = System.currentTimeMillis() - t0;
    assertTrue(ms < 10_000, "typed failures well before the 30 s deadline, took " + ms + " ms");
  }

  void everyPutIsExact(EmberClient ember, List<ObjectRef<byte[]>> puts) {
    List<ObjectRef<Long>> sums = new ArrayList<>();
    for (ObjectRef<byte[]> p : puts) sums.add(ember.task(Fns::checksum, p).remote());
    for (int i = 0; i < puts.size(); i++) {
      assertArrayEquals(Fns.bytes(size(i), i), puts.get(i).get(Duration.ofSeconds(20)), "put " + i);
      assertEquals(Fns.checksum(Fns.bytes(size(i), i)), sums.get(i).get(Duration.ofSeconds(20)), "a task consuming put " + i);
    }
  }

  void killAndAwaitDead(String name) throws Exception {
    cluster.kill(name);
    poll(name + " DEAD in the node table", Duration.ofSeconds(15), () -> "DEAD".equals(state(name)));
  }

  /** The nodes that hold a copy, as the object row says, less those the node table says are dead. */
  Set<NodeId> liveHolders(ObjectRef<?> r) {
    try {
      Set<NodeId> out = new HashSet<>();
      for (NodeId n : await(GcsTesting.locations(cluster.gcs(), ObjectId.parse(r.id())))) {
        if ("ALIVE".equals(cluster.stateOf(cluster.nameOf(n)))) out.add(n);
      }
      return out;
    } catch (Exception e) {
      return Set.of();
    }
  }

  String state(String name) {
    try {
      return cluster.stateOf(name);
    } catch (Exception e) {
      return null;
    }
  }
}
