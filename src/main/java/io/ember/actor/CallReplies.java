package io.ember.actor;

import io.ember.api.EmberException;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.object.ObjectDirectory;
import io.ember.object.ObjectStore;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.Addresses;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskDone;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Answers actor calls: an outcome, "moved" (look for the actor again), "died", "unknown", or a
 * call's recorded outcome when a caller retries it. A result goes straight to this JVM's own
 * client when it is the caller (no event-bus hop), else to the caller's inbox. Any thread.
 * Never decides an outcome: it only delivers what the instance or the host decided, and is
 * called for a result only once its log entry is durable.
 */
public final class CallReplies {
  private final NodeId self;
  private final String transferHost;
  private final int transferPort;
  private final int inlineLimitBytes;
  private final long getTimeoutMs;
  private final ObjectStore store;
  private final ObjectDirectory directory;
  private final ClientId localClientId;
  private final Consumer<TaskDone> localClient;
  private final EventBus bus;
  private final Clock clock;

  /**
   * @param localClientId the id of this JVM's own client
   * @param localClient   hands a result to that client on the calling thread
   */
  public CallReplies(NodeId self, String transferHost, int transferPort, int inlineLimitBytes, long getTimeoutMs,
      ObjectStore store, ObjectDirectory directory, ClientId localClientId, Consumer<TaskDone> localClient, EventBus bus,
      Clock clock) {
    this.self = self;
    this.transferHost = transferHost;
    this.transferPort = transferPort;
    this.inlineLimitBytes = inlineLimitBytes;
    this.getTimeoutMs = getTimeoutMs;
    this.store = store;
    this.directory = directory;
    this.localClientId = localClientId;
    this.localClient = localClient;
    this.bus = bus;
    this.clock = clock;
  }

  void reply(ActorCallSpec c, ActorInstance.Outcome o) {
    if (o.ok()) {
      int size = o.bytes().length();
      Buffer inline = size <= inlineLimitBytes ? o.bytes() : null;
      send(c.owner(), TaskDone.ok(c.id(), self, transferHost, transferPort, size, inline));
    } else {
      send(c.owner(), TaskDone.failed(c.id(), self, o.failure()));
    }
  }

  private void send(ClientId owner, TaskDone d) {
    if (owner.equals(localClientId)) localClient.accept(d); // this node's own client: no event-bus hop
    else bus.send(Addresses.clientInbox(owner), d);
  }

  /** Tells the caller to find the actor again (it is not, or no longer, served here). */
  void replyMoved(ActorCallSpec c, String why) {
    send(c.owner(), TaskDone.failed(c.id(), self, failure(c, ErrorCode.ACTOR_MOVED, why)));
  }

  void replyDied(ActorCallSpec c, String why) {
    send(c.owner(), TaskDone.failed(c.id(), self, failure(c, ErrorCode.ACTOR_DIED, "actor " + c.actor() + " is dead: " + why)));
  }

  private static TaskDone.Failure failure(ActorCallSpec c, ErrorCode code, String message) {
    return new TaskDone.Failure(code, c.method(), EmberException.class.getName(), message, null, c.actor().toString());
  }

  /** A call this incarnation already applied and logged (a retry): its recorded outcome, not a second run. */
  void replyRecorded(ActorInstance a, ActorCallSpec c) {
    TaskDone.Failure f = a.failures.get(c.id());
    if (f != null) {
      send(c.owner(), TaskDone.failed(c.id(), self, f));
      return;
    }
    ObjectId oid = c.returnId();
    Buffer b = store.getIfInMemory(oid);
    if (b != null) {
      send(c.owner(), TaskDone.ok(c.id(), self, transferHost, transferPort, b.length(), b.length() <= inlineLimitBytes ? b : null));
      return;
    }
    // fetched here (a copy this node then holds), so the completion names its sender: owners accept a
    // completion only from the node that ran the call or that the actor table names
    directory.fetch(oid, clock.millis() + getTimeoutMs).onComplete(ar -> {
      if (ar.succeeded()) {
        Buffer got = ar.result();
        send(c.owner(), TaskDone.ok(c.id(), self, transferHost, transferPort, got.length(), got.length() <= inlineLimitBytes ? got : null));
      } else {
        Throwable e = ar.cause();
        send(c.owner(), TaskDone.failed(c.id(), self, failure(c, e instanceof EmberException ee ? ee.code() : ErrorCode.INTERNAL,
            "the recorded result of call " + c.id() + " could not be found: " + e.getMessage())));
      }
    });
  }
}
