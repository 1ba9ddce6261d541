package io.ember.node;

import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.ids.ClientId;
import io.ember.ids.ObjectId;
import io.ember.object.Location;
import io.ember.object.ObjectRequests;
import io.ember.owner.OwnerRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Adapts this node's {@link EmberClient} to the narrow interfaces the components below it
 * declare (they must not depend on the client package). Wiring only; no logic.
 */
final class ClientLinks {
  /** How long a node waits for a client to say whether it is storing a put. */
  private static final long PUT_ASK_MS = 5_000;

  private ClientLinks() {}

  /** The client as the object manager's JSON get/put see it. */
  static ObjectRequests.Owner objectOwner(Vertx vertx, EmberClient client) {
    return new ObjectRequests.Owner() {
      @Override
      public Future<Object> valueOf(ObjectId id, long timeoutMs) {
        return client.valueOf(id, timeoutMs);
      }

      @Override
      public Future<List<Object>> valuesOf(List<ObjectId> ids, long timeoutMs) {
        return client.waits().values(ids, timeoutMs);
      }

      @Override
      public Future<List<ObjectId>> ready(List<ObjectId> ids, int numReady, long timeoutMs) {
        return client.waits().ready(ids, numReady, timeoutMs);
      }

      @Override
      public <T> ObjectRef<T> put(T value) {
        return client.put(value);
      }

      @Override
      public Future<Location> ownedLocation(ObjectId id) {
        return client.ownedLocation(id);
      }

      @Override
      public Future<Boolean> expectsPut(ClientId owner, ObjectId id) {
        return OwnerRequests.expectsPut(vertx, owner, id, PUT_ASK_MS);
      }
    };
  }
}
