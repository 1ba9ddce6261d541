package io.ember.monitor;

import io.ember.ids.NodeId;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.logging.Logger;
import java.util.function.LongSupplier;

/**
 * Node heartbeats over UDP, on two threads of their own. Liveness must not depend on the event
 * loops: a burst of thousands of tasks can keep a loop (and the event-bus connection it serves)
 * busy for longer than a heartbeat timeout, and a node that is merely busy must not be declared
 * dead. These threads stop only when the JVM stops or hangs, which is what the timeout detects.
 *
 * <p>Datagram: {@code <nodeId> <epoch> <seq> <tag>} in UTF-8, where {@code seq} counts this
 * channel's beats up from the time it was made (in microseconds) and {@code tag} is the first 16 bytes (hex) of
 * HMAC-SHA256 over the rest, keyed with the cluster's heartbeat key: a datagram without a valid
 * tag (sent by a process without the secret, or altered) is dropped and counted, and so is one
 * whose {@code seq} is not above the last accepted from that node (a replay, e.g. of a dead
 * node's beats to keep it "alive"). Peers are added as they are learned (from the component
 * heartbeats on the event bus); sending to a dead peer is harmless.
 */
public final class HeartbeatChannel implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HeartbeatChannel.class.getName());

  private final NodeId self;
  private final LongSupplier epoch;
  private final DatagramSocket socket;
  private final Map<NodeId, InetSocketAddress> peers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sender;
  private final Thread receiver;
  private final BeatMac mac;
  // starts at the wall clock in microseconds: a channel made again in the same process (same node id) starts above the old one
  private final AtomicLong seq = new AtomicLong(System.currentTimeMillis() * 1000);
  private final Map<NodeId, Long> lastSeq = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private volatile long lastDropLogMs;
  private volatile boolean closed;

  /** {@code onBeat} is called on the receiving thread with (node, epoch). */
  public HeartbeatChannel(NodeId self, long epoch, String host, long intervalMs, byte[] key, BiConsumer<NodeId, Long> onBeat)
      throws SocketException {
    this(self, () -> epoch, host, intervalMs, key, onBeat);
  }

  /** As above, with this node's epoch read at each beat (a resync replaces it). */
  public HeartbeatChannel(NodeId self, LongSupplier epoch, String host, long intervalMs, byte[] key,
      BiConsumer<NodeId, Long> onBeat) throws SocketException {
    this.self = self;
    this.mac = new BeatMac(key);
    this.epoch = epoch;
    try {
      this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0));
    } catch (IOException e) {
      throw new SocketException("cannot open the heartbeat socket on " + host + ": " + e.getMessage());
    }
    this.sender = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ember-heartbeat-send"));
    this.sender.scheduleAtFixedRate(this::sendAll, 0, intervalMs, TimeUnit.MILLISECONDS);
    this.receiver = daemon(() -> receive(onBeat), "ember-heartbeat-receive");
    this.receiver.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public int port() {
    return socket.getLocalPort();
  }

  public void addPeer(NodeId id, String host, int port) {
    if (id.equals(self) || host == null || port <= 0) return;
    peers.putIfAbsent(id, new InetSocketAddress(host, port));
  }

  public void removePeer(NodeId id) {
    peers.remove(id);
  }

  private void sendAll() {
    byte[] msg = mac.seal(self.value() + " " + epoch.getAsLong() + " " + seq.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
    for (InetSocketAddress to : peers.values()) {
      try {
        socket.send(new DatagramPacket(msg, msg.length, to));
      } catch (IOException e) {
        if (!closed) LOG.fine("heartbeat to " + to + " failed: " + e.getMessage());
      }
    }
  }

  private void receive(BiConsumer<NodeId, Long> onBeat) {
    byte[] buf = new byte[256];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
        String[] f = mac.open(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
        if (f == null || !fresh(new NodeId(f[0]), Long.parseLong(f[2]))) {
          drop(p);
          continue;
        }
        onBeat.accept(new NodeId(f[0]), Long.parseLong(f[1]));
      } catch (IOException e) {
        if (!closed) LOG.warning("heartbeat receive failed: " + e.getMessage());
      } catch (RuntimeException malformed) {
        // a datagram that is not ours: ignored, never fatal
      }
    }
  }

  /** True if {@code seq} is above the last one accepted from {@code node} (and records it). */
  private boolean fresh(NodeId node, long s) {
    Long before = lastSeq.get(node);
    if (before != null && s <= before) return false;
    lastSeq.put(node, s);   // one receiving thread: no race between the read and the write
    return true;
  }

  private void drop(DatagramPacket p) {
    long n = dropped.incrementAndGet();
    long now = System.currentTimeMillis();
    if (now - lastDropLogMs >= 10_000) {   // one line per 10 s at most: a flood must not flood the log
      lastDropLogMs = now;
      LOG.warning("dropped a heartbeat datagram from " + p.getSocketAddress() + " without a valid tag or with an old sequence"
          + " number (" + n + " dropped so far): a process without the cluster secret, or a replay");
    }
  }

  /** Datagrams dropped so far for a missing or bad tag, or an old sequence number. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    closed = true;
    sender.shutdownNow();
    socket.close();
  }
}
