package io.ember.client;

import io.ember.ids.ClientId;
import io.ember.ids.ObjectId;
import io.ember.object.Location;
import io.ember.owner.OwnedTasks;
import io.ember.owner.OwnerRequests;
import io.ember.protocol.TaskDone;
import io.ember.serial.Values;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * {@code put}: a value stored as an object this client owns, as if a task had returned it. A
 * node's client stores it in its own node and records it; a driver asks its home to. Either way
 * the node makes a second copy on another live node before it answers ({@code PutCopies}). The
 * owner learns the location the way it learns a task's result ({@code deliver}), so a get waits
 * until both copies are made.
 */
final class Puts {
  private final ClientId self;
  private final OwnedTasks tasks;
  private final EmberClient.Local local; // null for a driver
  private final OwnerRequests requests;
  private final long timeoutMs;
  private final Consumer<TaskDone> deliver;

  Puts(ClientId self, OwnedTasks tasks, EmberClient.Local local, OwnerRequests requests, long timeoutMs, Consumer<TaskDone> deliver) {
    this.self = self;
    this.tasks = tasks;
    this.local = local;
    this.requests = requests;
    this.timeoutMs = timeoutMs;
    this.deliver = deliver;
  }

  /** Encodes {@code value} now (a value that cannot be is refused before anything is stored) and stores it. */
  ObjectId put(IdSource source, Object value) {
    Buffer bytes = Values.encode(value);
    ObjectId id = ObjectId.of(source.next(), 0);
    tasks.expectPut(id.task());
    Future<Location> stored = local == null ? requests.putAtHome(self, id, bytes, timeoutMs)
        : local.puts().put(id, bytes, System.currentTimeMillis() + timeoutMs);
    stored.onComplete(ar -> {
      if (ar.succeeded()) {
        Location l = ar.result();
        deliver.accept(TaskDone.ok(id.task(), l.node(), l.host(), l.port(), l.size(),
            bytes.length() <= OwnedTasks.RECENT_INLINE_MAX ? bytes : null));
      } else {
        tasks.fail(id.task(), ar.cause());
      }
    });
    return id;
  }
}
