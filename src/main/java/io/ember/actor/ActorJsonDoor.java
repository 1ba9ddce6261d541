package io.ember.actor;

import io.ember.api.ActorCreation;
import io.ember.api.ActorDiedException;
import io.ember.api.ActorHandle;
import io.ember.api.Ember;
import io.ember.api.EmberException;
import io.ember.api.ObjectRef;
import io.ember.gcs.ActorState;
import io.ember.gcs.ActorTable;
import io.ember.ids.ActorId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.api.ErrorCode;
import io.ember.protocol.JsonArgs;
import io.ember.protocol.JsonDoor;
import io.ember.protocol.Requests;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Function;

/**
 * The public JSON {@code ember.actor.create}, {@code ember.actor.call}, {@code ember.actor.kill}
 * and {@code ember.actor.named}: checks a request (fields, class, method, arguments, id, name) and
 * turns it into a creation, call, kill or name lookup through this node's client. Every refusal is a failed future with a code (BAD_REQUEST naming the field, or the
 * client's own). Never talks to an actor instance directly: calls go the way any client's go.
 */
public final class ActorJsonDoor {
  private final ActorRegistry registry;
  private final ActorTable table;
  private final Ember client;
  private final Function<ActorHandle<?>, Future<NodeId>> whenCreated;
  private final Admin admin;

  /** Kills and name lookups, as the node's client makes them. */
  public interface Admin {
    /** True if this kill ended the actor, false if it was dead already; fails UNKNOWN_ACTOR if it never existed. */
    Future<Boolean> kill(ActorId actor);

    /** The live actor holding {@code name}, of class {@code className} (null = any); fails UNKNOWN_ACTOR if none. */
    Future<ActorId> named(String name, String className);
  }

  /**
   * @param client      this node's client: creations and calls are its own
   * @param whenCreated completes with the node of a created actor (the client's, for its handles)
   */
  public ActorJsonDoor(ActorRegistry registry, ActorTable table, Ember client, Function<ActorHandle<?>, Future<NodeId>> whenCreated,
      Admin admin) {
    this.admin = admin;
    this.registry = registry;
    this.table = table;
    this.client = client;
    this.whenCreated = whenCreated;
  }

  /** {@code {"class", "args": [json], "options": {"resources", "maxRestarts", "checkpointEveryCalls", "checkpointEveryMs", "name"}}} → {@code {"actorId", "node"}} once created. */
  public Future<JsonObject> create(Object body) {
    return JsonDoor.answer("actor create", () -> {
      JsonObject req = Requests.object(body);
      Requests.onlyKeys(req, "class", "args", "options");
      String cls = Requests.string(req, "class");
      registry.lookup(cls);
      JsonArray args = Requests.array(req, "args", new JsonArray());
      JsonObject options = Requests.object(req, "options", new JsonObject());
      Requests.onlyKeys(options, "resources", "maxRestarts", "checkpointEveryCalls", "checkpointEveryMs", "name");
      ActorCreation<Object> creation = client.actorByName(cls, JsonArgs.values(args));
      JsonObject res = Requests.object(options, "resources", new JsonObject());
      for (String k : res.fieldNames()) {
        if (!(res.getValue(k) instanceof Number n)) throw Requests.bad("options.resources." + k + " must be a number");
        creation.resource(k, n.doubleValue());
      }
      if (options.containsKey("name")) creation.name(name(options));
      if (options.containsKey("maxRestarts")) creation.maxRestarts(Requests.integer(options, "maxRestarts"));
      if (options.containsKey("checkpointEveryCalls") || options.containsKey("checkpointEveryMs")) {
        creation.checkpointEvery(options.containsKey("checkpointEveryCalls") ? Requests.integer(options, "checkpointEveryCalls") : 0,
            Duration.ofMillis(Requests.longValue(options, "checkpointEveryMs", 0)));
      }
      ActorHandle<Object> handle = creation.remote();
      return whenCreated.apply(handle).map(node -> new JsonObject().put("actorId", handle.id()).put("node", node.value()));
    });
  }

  /** {@code {"actorId", "method", "args": [json | {"$ref": objectId}]}} → {@code {"taskId", "objectId"}} once the call is sent. */
  public Future<JsonObject> call(Object body) {
    return JsonDoor.answer("actor call", () -> {
      JsonObject req = Requests.object(body);
      Requests.onlyKeys(req, "actorId", "method", "args");
      String actorId = Requests.string(req, "actorId");
      ActorId actor = actorId(req);
      String method = Requests.string(req, "method");
      Object[] values = JsonArgs.decode(Requests.array(req, "args", new JsonArray())).values();
      return table.row(actor)
          .recover(err -> Future.failedFuture(err instanceof EmberException ? err
              : new EmberException(ErrorCode.UNAVAILABLE, "the actor table did not answer: " + err.getMessage())))
          .compose(row -> JsonDoor.answer("actor call", () -> Future.succeededFuture(send(actorId, row, method, values))));
    });
  }

  /** {@code {"actorId"}} → {@code {"actorId", "killed"}} ({@code killed} false: it was dead already) once its row is DEAD. */
  public Future<JsonObject> kill(Object body) {
    return JsonDoor.answer("actor kill", () -> {
      JsonObject req = Requests.object(body);
      Requests.onlyKeys(req, "actorId");
      ActorId actor = actorId(req);
      return admin.kill(actor).map(k -> new JsonObject().put("actorId", actor.toString()).put("killed", k));
    });
  }

  /** {@code {"name"}} → {@code {"actorId"}} of the live actor holding that name (UNKNOWN_ACTOR if none). */
  public Future<JsonObject> named(Object body) {
    return JsonDoor.answer("actor named", () -> {
      JsonObject req = Requests.object(body);
      Requests.onlyKeys(req, "name");
      return admin.named(name(req), null).map(id -> new JsonObject().put("actorId", id.toString()));
    });
  }

  private static ActorId actorId(JsonObject req) {
    try {
      return ActorId.parse(Requests.string(req, "actorId"));
    } catch (IllegalArgumentException e) {
      throw Requests.bad("actorId: " + e.getMessage());
    }
  }

  private static String name(JsonObject req) {
    String name = Requests.string(req, "name");
    if (name.isBlank() || name.length() > 256) throw Requests.bad("name: 1 to 256 characters, not blank");
    return name;
  }

  private JsonObject send(String actorId, ActorTable.Row row, String method, Object[] values) {
    if (row == null) throw new EmberException(ErrorCode.UNKNOWN_ACTOR, "no actor " + actorId + " exists");
    if (row.state() == ActorState.DEAD) throw new ActorDiedException(actorId, row.error());
    registry.lookup(row.className()).method(method);
    ObjectRef<Object> ref = client.actorHandle(actorId).callByName(method, values).remote();
    return new JsonObject().put("taskId", ObjectId.parse(ref.id()).task().toString()).put("objectId", ref.id());
  }
}
