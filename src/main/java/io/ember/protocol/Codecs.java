package io.ember.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.Message;
import io.ember.api.EmberException;
import io.vertx.core.Handler;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Event-bus codecs for Ember's binary messages. Registered once per Vert.x instance as default
 * codecs, so senders need no delivery options. Local delivery passes the object itself; the
 * round-trip tests exercise the wire form.
 */
public final class Codecs {
  private static final Logger LOG = Logger.getLogger(Codecs.class.getName());

  private Codecs() {}

  /**
   * The body of {@code m} if it is a {@code type}, else null. A clustered body is decoded here,
   * on first access: a malformed one (or one of another type) is logged at debug level and
   * ignored, never thrown into the consumer.
   */
  public static <T> T bodyOf(Message<?> m, Class<T> type) {
    try {
      Object body = m.body();
      if (type.isInstance(body)) return type.cast(body);
      LOG.fine(() -> "ignored a " + (body == null ? "null" : body.getClass().getSimpleName()) + " on " + m.address());
    } catch (RuntimeException malformed) {
      LOG.log(Level.FINE, "ignored an unreadable message on " + m.address(), malformed);
    }
    return null;
  }

  /**
   * A consumer handler for an address that takes one binary message type and answers nothing
   * itself: the body, if it is a {@code type}, goes to {@code handler}. Anything else (another
   * type, an unreadable clustered body, or a body {@code handler} throws on) is refused with a
   * typed failure when the sender asked for a reply, else dropped and counted by a
   * {@link Drops} (one log line per interval). Never throws into the event bus.
   */
  public static <T> Handler<Message<Object>> consumer(String address, Class<T> type, Consumer<T> handler) {
    return consumer(address, type, handler, false);
  }

  private static <T> Handler<Message<Object>> consumer(String address, Class<T> type, Consumer<T> handler, boolean ack) {
    Drops drops = new Drops(address);
    return m -> {
      try {
        Object body = m.body();
        if (!type.isInstance(body)) {
          throw Requests.bad(address + " takes a " + type.getSimpleName() + ", got " + (body == null ? "nothing" : body.getClass().getSimpleName()));
        }
        handler.accept(type.cast(body));
        if (ack) Handoff.ack(m);
      } catch (RuntimeException e) {
        EmberException typed = JsonDoor.typed(address, e);
        if (m.replyAddress() != null) Requests.fail(m, typed);
        else drops.drop(typed.getMessage());
      }
    };
  }

  /**
   * As {@link #consumer}, for a {@link Handoff}: the sender is acknowledged once {@code handler}
   * holds the work (a refused body is a typed failure instead, which the sender does not retry).
   */
  public static <T> Handler<Message<Object>> acknowledged(String address, Class<T> type, Consumer<T> handler) {
    return consumer(address, type, t -> handler.accept(t), true);
  }

  public static void register(EventBus bus) {
    try {
      bus.registerDefaultCodec(TaskSpec.class, codec("ember.TaskSpec", (b, s) -> s.encodeTo(b), TaskSpec::decode));
      bus.registerDefaultCodec(TaskDone.class, codec("ember.TaskDone", (b, d) -> d.encodeTo(b), TaskDone::decode));
      bus.registerDefaultCodec(ActorCallSpec.class, actorCallCodec());
      bus.registerDefaultCodec(ActorCreateSpec.class, actorCreateCodec());
      bus.registerDefaultCodec(RemoteFailure.class, remoteFailureCodec()); // picked for replies by the exception's own class
      bus.registerDefaultCodec(Heartbeat.class, heartbeatCodec());
      bus.registerDefaultCodec(NodeDeath.class, nodeDeathCodec());
      bus.registerDefaultCodec(ActorsPlaced.class, actorsPlacedCodec());
      bus.registerDefaultCodec(TaskCancel.class, taskCancelCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Several Ember components in one Vert.x instance: the first registration serves all.
    }
  }

  static <T> MessageCodec<T, T> codec(String name, BiConsumer<Buffer, T> enc, Function<Wire, T> dec) {
    return new MessageCodec<>() {
      @Override
      public void encodeToWire(Buffer buffer, T t) {
        int lengthAt = buffer.length();
        buffer.appendInt(0);
        enc.accept(buffer, t); // straight into the wire buffer, no intermediate copy
        buffer.setInt(lengthAt, buffer.length() - lengthAt - 4);
      }

      @Override
      public T decodeFromWire(int pos, Buffer buffer) {
        return dec.apply(new Wire(buffer, pos + 4));
      }

      @Override
      public T transform(T t) {
        return t;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public byte systemCodecID() {
        return -1;
      }
    };
  }

  /** For tests: the codec a class is registered with. */
  public static MessageCodec<TaskSpec, TaskSpec> taskSpecCodec() {
    return codec("ember.TaskSpec", (b, s) -> s.encodeTo(b), TaskSpec::decode);
  }

  public static MessageCodec<TaskDone, TaskDone> taskDoneCodec() {
    return codec("ember.TaskDone", (b, d) -> d.encodeTo(b), TaskDone::decode);
  }

  public static MessageCodec<ActorCallSpec, ActorCallSpec> actorCallCodec() {
    return codec("ember.ActorCall", (b, c) -> c.encodeTo(b), ActorCallSpec::decode);
  }

  public static MessageCodec<ActorCreateSpec, ActorCreateSpec> actorCreateCodec() {
    return codec("ember.ActorCreate", (b, c) -> c.encodeTo(b), ActorCreateSpec::decode);
  }

  public static MessageCodec<RemoteFailure, RemoteFailure> remoteFailureCodec() {
    return codec(RemoteFailure.CODEC, (b, f) -> f.encodeTo(b), RemoteFailure::decode);
  }

  public static MessageCodec<Heartbeat, Heartbeat> heartbeatCodec() {
    return codec("ember.Heartbeat", (b, h) -> h.encodeTo(b), Heartbeat::decode);
  }

  public static MessageCodec<NodeDeath, NodeDeath> nodeDeathCodec() {
    return codec("ember.NodeDeath", (b, v) -> v.encodeTo(b), NodeDeath::decode);
  }

  public static MessageCodec<TaskCancel, TaskCancel> taskCancelCodec() {
    return codec("ember.TaskCancel", (b, c) -> c.encodeTo(b), TaskCancel::decode);
  }

  public static MessageCodec<ActorsPlaced, ActorsPlaced> actorsPlacedCodec() {
    return codec("ember.ActorsPlaced", (b, p) -> p.encodeTo(b), ActorsPlaced::decode);
  }
}
