package io.ember.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.NodeId;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Real UDP on loopback: only beats tagged with the cluster's key, and newer than the last, reach the monitor. */
class HeartbeatChannelTest {
  private static final byte[] KEY = "the-cluster-heartbeat-key-32-byt".getBytes(StandardCharsets.UTF_8);

  @Test
  void beatsWithTheKeyArriveAndForgedOrReplayedOnesAreDroppedAndCounted() throws Exception {
    List<NodeId> heard = new CopyOnWriteArrayList<>();
    NodeId a = new NodeId("aaaa");
    NodeId b = new NodeId("bbbb");
    try (HeartbeatChannel receiver = new HeartbeatChannel(b, 1, "127.0.0.1", 50, KEY, (n, e) -> heard.add(n));
        HeartbeatChannel sender = new HeartbeatChannel(a, 1, "127.0.0.1", 50, KEY, (n, e) -> {});
        DatagramSocket intruder = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      sender.addPeer(b, "127.0.0.1", receiver.port());
      await(() -> heard.contains(a));
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", receiver.port());
      // what a process without the secret can send: the old untagged form, a tag made with another key, a replay
      send(intruder, to, "cccc 1 " + System.currentTimeMillis());
      send(intruder, to, new BeatMac("not-the-cluster-key-but-32-bytes".getBytes()).seal("cccc 1 5"));
      String replay = new BeatMac(KEY).seal("aaaa 1 1");   // a genuine tag, but a sequence number already passed
      send(intruder, to, replay);
      await(() -> receiver.dropped() >= 3);
      assertEquals(3, receiver.dropped());
      assertTrue(heard.stream().noneMatch(n -> n.value().equals("cccc")), "no forged beat reached the monitor");
    }
  }

  private static void send(DatagramSocket s, InetSocketAddress to, String text) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    s.send(new DatagramPacket(b, b.length, to));
  }

  private static void await(BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 5 s");
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
