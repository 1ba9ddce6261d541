package io.ember.object;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.ObjectRef;
import io.ember.gcs.TableWriter;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.protocol.Requests;
import io.ember.serial.Values;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the object manager answers: the public JSON {@code ember.get} (one object or several),
 * {@code ember.wait} and {@code ember.put} (through
 * this node's client, which owns what is put) and the binary get / put of drivers that are not
 * nodes. Each returns a future the verticle replies with; malformed requests throw BAD_REQUEST (the verticle's
 * {@code JsonDoor} turns it into the reply).
 * Never sends object bytes between nodes itself: fetching is the directory's, over TCP.
 */
public final class ObjectRequests {
  /** What these requests need of this node's own client. */
  public interface Owner {
    Future<Object> valueOf(ObjectId id, long timeoutMs);

    /** The values of {@code ids}, in order; fails as soon as one fails. */
    Future<List<Object>> valuesOf(List<ObjectId> ids, long timeoutMs);

    /** The first {@code numReady} of {@code ids} to be ready (value or failure known), in the order given, within the timeout. */
    Future<List<ObjectId>> ready(List<ObjectId> ids, int numReady, long timeoutMs);

    <T> ObjectRef<T> put(T value);

    Future<Location> ownedLocation(ObjectId id);

    /** Whether client {@code client} is storing a put under {@code id}: false if it says no or does not answer. */
    Future<Boolean> expectsPut(ClientId client, ObjectId id);
  }

  private final NodeId self;
  private final ObjectStore store;
  private final TableWriter writer;
  private final ObjectDirectory directory;
  private final PutCopies puts;
  private final Supplier<Owner> owner;
  private final long getTimeoutMs;
  private final int inlineLimitBytes;
  private final Clock clock;

  /**
   * @param owner this node's client; late-bound: the client is built after the object manager
   *              deploys, and is asked for only when a JSON request arrives
   */
  public ObjectRequests(NodeId self, ObjectStore store, TableWriter writer, ObjectDirectory directory, PutCopies puts,
      Supplier<Owner> owner, long getTimeoutMs, int inlineLimitBytes, Clock clock) {
    this.self = self;
    this.store = store;
    this.writer = writer;
    this.directory = directory;
    this.puts = puts;
    this.owner = owner;
    this.getTimeoutMs = getTimeoutMs;
    this.inlineLimitBytes = inlineLimitBytes;
    this.clock = clock;
  }

  /**
   * {@code {"objectId", "timeoutMs"?}} → {@code {"objectId", "value"}} with the value as JSON, when it is ready;
   * {@code {"objectIds": [..], "timeoutMs"?}} → {@code {"objectIds", "values"}} once all are (the first failure fails it).
   */
  public Future<JsonObject> getJson(Object body) {
    JsonObject req = Requests.object(body);
    Requests.onlyKeys(req, "objectId", "objectIds", "timeoutMs");
    long timeout = Requests.timeoutMs(req, "timeoutMs", getTimeoutMs);
    if (req.containsKey("objectIds")) {
      if (req.containsKey("objectId")) throw Requests.bad("give 'objectId' or 'objectIds', not both");
      List<ObjectId> ids = objectIds(req);
      return owner.get().valuesOf(ids, timeout).map(values -> {
        JsonArray json = new JsonArray();
        for (int i = 0; i < values.size(); i++) json.add(asJson(ids.get(i), values.get(i)));
        return new JsonObject().put("objectIds", req.getJsonArray("objectIds")).put("values", json);
      });
    }
    ObjectId id = Requests.objectId(req, "objectId");
    return owner.get().valueOf(id, timeout).map(value -> new JsonObject().put("objectId", id.toString()).put("value", asJson(id, value)));
  }

  /** A value as JSON for a reply; NOT_SERIALIZABLE naming the object if it has no JSON form. */
  private static Object asJson(ObjectId id, Object value) {
    try {
      return Values.toJson(value);
    } catch (EmberException e) {
      throw new EmberException(e.code(), "object " + id + ": " + e.getMessage());
    }
  }

  /**
   * {@code {"objectIds": [..], "numReady"?, "timeoutMs"?}} → {@code {"ready": [..], "notReady": [..]}} once
   * {@code numReady} (default 1) of them are ready (value or failure known) or the timeout passed, as Ray's {@code wait}.
   */
  public Future<JsonObject> waitJson(Object body) {
    JsonObject req = Requests.object(body);
    Requests.onlyKeys(req, "objectIds", "numReady", "timeoutMs");
    List<ObjectId> ids = objectIds(req);
    int numReady = req.containsKey("numReady") ? Requests.integer(req, "numReady") : 1;
    if (numReady < 0 || numReady > ids.size()) throw Requests.bad("'numReady' must be 0.." + ids.size() + ", got " + numReady);
    long timeout = Requests.timeoutMs(req, "timeoutMs", getTimeoutMs);
    return owner.get().ready(ids, numReady, timeout).map(ready -> {
      JsonArray yes = new JsonArray();
      JsonArray no = new JsonArray();
      List<ObjectId> left = new ArrayList<>(ready);
      for (ObjectId id : ids) (left.remove(id) ? yes : no).add(id.toString());
      return new JsonObject().put("ready", yes).put("notReady", no);
    });
  }

  private static List<ObjectId> objectIds(JsonObject req) {
    JsonArray a = Requests.array(req, "objectIds", null);
    if (a == null || a.isEmpty()) throw Requests.bad("'objectIds' must be a non-empty JSON array of object ids");
    List<ObjectId> ids = new ArrayList<>(a.size());
    for (Object o : a) {
      if (!(o instanceof String s)) throw Requests.bad("'objectIds' holds object ids (strings), got " + o);
      ids.add(ObjectId.parse(s));
    }
    return ids;
  }

  /** {@code {"value": json}} → {@code {"objectId"}} once stored. */
  public Future<JsonObject> putJson(Object body) {
    JsonObject req = Requests.object(body);
    Requests.onlyKeys(req, "value");
    if (!req.containsKey("value")) throw Requests.bad("'value' is required");
    Object value = Values.fromJson(req.getValue("value"));
    Owner client = owner.get();
    ObjectRef<Object> ref = client.put(value);
    return client.ownedLocation(ObjectId.parse(ref.id())).map(l -> new JsonObject().put("objectId", ref.id()));
  }

  /** The store dropped an object (evicted, not spilled): the object table forgets this node's copy. */
  public void dropped(ObjectId id) {
    writer.objectLocationRemoved(id, self);
  }

  /**
   * A driver's put: stored here and recorded, and a second copy made on another node within
   * {@code timeoutMs} (-1: the get timeout; {@link PutCopies}); answers this node's location of it. Only under an id
   * its sender owns: a put's id ({@code <task id>.0}, never a task's or actor call's output), not
   * held here already, and one that client {@code owner} says it is storing (an unknown client
   * answers nothing). Otherwise FORBIDDEN and nothing is written.
   */
  public Future<JsonObject> put(ObjectId id, Buffer bytes, ClientId owner, long timeoutMs) {
    if (id.index() != 0) return forbidden(id, owner, "a put's object id ends in .0; this one names an output of task " + id.task());
    if (store.contains(id)) return forbidden(id, owner, "this node already holds that object");
    return owner().expectsPut(owner, id).compose(mine -> {
      if (!mine) return forbidden(id, owner, "client " + owner + " is not storing a put under it (or is not a client this node can reach)");
      if (store.contains(id)) return forbidden(id, owner, "this node already holds that object");
      return puts.put(id, bytes, clock.millis() + (timeoutMs > 0 ? timeoutMs : getTimeoutMs)).map(Location::toJson);
    });
  }

  private static <T> Future<T> forbidden(ObjectId id, ClientId owner, String why) {
    return Future.failedFuture(new EmberException(ErrorCode.FORBIDDEN, "put of object " + id + " by client " + owner + " refused: " + why));
  }

  private Owner owner() {
    return owner.get();
  }

  /** Another node asks this one to take the second copy of a put it holds (see {@link PutCopies#take}). */
  public Future<JsonObject> copy(ObjectId id, NodeId from, Buffer inline) {
    return puts.take(id, from, inline);
  }

  /** A driver's get: the bytes when small enough to travel inline, else where this node holds them (a fetched copy). */
  public Future<Object> get(ObjectId id, long timeoutMs) {
    long timeout = timeoutMs > 0 ? timeoutMs : getTimeoutMs;
    return directory.fetch(id, clock.millis() + timeout)
        .map(bytes -> bytes.length() <= inlineLimitBytes ? bytes : directory.self(bytes.length()).toJson());
  }
}
