package io.ember.node;

import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.ids.ObjectId;
import io.ember.object.Location;
import io.ember.object.ObjectRequests;
import io.vertx.core.Future;

/**
 * Adapts this node's {@link EmberClient} to the narrow interfaces the components below it
 * declare (they must not depend on the client package). Wiring only; no logic.
 */
final class ClientLinks {
  private ClientLinks() {}

  /** The client as the object manager's JSON get/put see it. */
  static ObjectRequests.Owner objectOwner(EmberClient client) {
    return new ObjectRequests.Owner() {
      @Override
      public Future<Object> valueOf(ObjectId id, long timeoutMs) {
        return client.valueOf(id, timeoutMs);
      }

      @Override
      public <T> ObjectRef<T> put(T value) {
        return client.put(value);
      }

      @Override
      public Future<Location> ownedLocation(ObjectId id) {
        return client.ownedLocation(id);
      }
    };
  }
}
