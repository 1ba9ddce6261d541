package io.ember.protocol;

import static io.ember.protocol.CodecsTest.overTheWire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ember.ids.ActorId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The monitor's messages (verdicts, placements, heartbeats) survive the wire form; a malformed one is dropped, never thrown. */
class MonitorMessagesTest {
  final TaskId task = TaskId.child(TaskId.driverOf(JobId.named("j")), 7);
  final ActorId actor = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("j")), 8));

  NodeDeath verdict() {
    return new NodeDeath(new NodeId("a1"), "no node heartbeat for 1300 ms", 1_700_000_000_000L, new NodeId("b2"),
        List.of(task, actor.task()), List.of(new ActorPlacement(actor, new NodeId("c3"), 4)),
        List.of(new ActorDeath(ActorId.of(task), "its restart budget (0) is spent")));
  }

  @Test
  void aVerdictRoundTrips() {
    assertEquals(verdict(), overTheWire(Codecs.nodeDeathCodec(), verdict()));
    NodeDeath empty = new NodeDeath(new NodeId("a1"), null, 0, new NodeId("b2"), List.of(), List.of(), List.of());
    assertEquals(empty, overTheWire(Codecs.nodeDeathCodec(), empty));
  }

  @Test
  void placementsRoundTrip() {
    ActorsPlaced p = new ActorsPlaced(List.of(new ActorPlacement(actor, new NodeId("c3"), 4),
        new ActorPlacement(ActorId.of(task), new NodeId("d4"), 1)));
    assertEquals(p, overTheWire(Codecs.actorsPlacedCodec(), p));
  }

  @Test
  void bothHeartbeatsRoundTripWithEveryField() {
    Map<String, Double> res = new LinkedHashMap<>();
    res.put("cpu", 4.0);
    res.put("node:a1", 1.0);
    res.put("node:web", 1.0);
    Heartbeat scheduler = Heartbeat.scheduler(new NodeId("a1"), 3, 123L, "bus-uuid", new Heartbeat.Load(4, 2, 7, 1, res, 5));
    Heartbeat back = overTheWire(Codecs.heartbeatCodec(), scheduler);
    assertEquals(scheduler, back);
    assertEquals(List.of("cpu", "node:a1", "node:web"), List.copyOf(back.load().resources().keySet()), "order kept");
    Heartbeat objects = Heartbeat.objects(new NodeId("a1"), 3, 124L, null,
        new Heartbeat.Store("127.0.0.1", 40123, 50123, 12, 1L << 33, 99));
    assertEquals(objects, overTheWire(Codecs.heartbeatCodec(), objects));
  }

  @Test
  void aMalformedBufferFailsToDecode() {
    assertThrows(RuntimeException.class, () -> truncated(Codecs.nodeDeathCodec(), verdict()));
    Heartbeat hb = Heartbeat.objects(new NodeId("a1"), 3, 124L, null, new Heartbeat.Store("h", 1, 2, 3, 4, 5));
    assertThrows(RuntimeException.class, () -> truncated(Codecs.heartbeatCodec(), hb));
    Buffer junk = Buffer.buffer().appendInt(4).appendByte((byte) 9).appendBytes(new byte[] {0, 0, 0});
    assertThrows(RuntimeException.class, () -> Codecs.heartbeatCodec().decodeFromWire(0, junk));
  }

  @Test
  void aConsumerGetsNullForAnUnreadableOrForeignBody() {
    assertNull(Codecs.bodyOf(message(() -> {
      throw new IndexOutOfBoundsException("truncated");
    }), NodeDeath.class));
    assertNull(Codecs.bodyOf(message(() -> "{\"node\":\"a1\"}"), NodeDeath.class));
    assertNull(Codecs.bodyOf(message(() -> null), NodeDeath.class));
    NodeDeath v = verdict();
    assertSame(v, Codecs.bodyOf(message(() -> v), NodeDeath.class));
  }

  static <T> T truncated(MessageCodec<T, T> codec, T value) {
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, value);
    return codec.decodeFromWire(0, wire.getBuffer(0, wire.length() - 3));
  }

  /** A received message whose body is what {@code body} gives (or throws, as a clustered body that fails to decode does). */
  @SuppressWarnings("unchecked")
  static Message<Object> message(Supplier<Object> body) {
    return (Message<Object>) Proxy.newProxyInstance(Message.class.getClassLoader(), new Class<?>[] {Message.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "body" -> body.get();
          case "address" -> Addresses.NODE_DEAD;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
