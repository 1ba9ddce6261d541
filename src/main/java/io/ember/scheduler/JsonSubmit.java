package io.ember.scheduler;

import io.ember.api.Ember;
import io.ember.api.ObjectRef;
import io.ember.api.TaskCall;
import io.ember.ids.ObjectId;
import io.ember.protocol.JsonArgs;
import io.ember.protocol.JsonDoor;
import io.ember.protocol.Requests;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The public JSON {@code ember.submit}:
 * {@code {"function": name, "args": [json value | {"$ref": objectId}], "options": {...}}} becomes
 * a submission through this node's client, answered with {@code {"taskId", "objectId", "objectIds"}}
 * at once (with option {@code numReturns} n, {@code objectIds} lists its n objects); and the
 * public JSON {@code ember.cancel}.
 * Checks the function and its plain-value arguments before submitting; never waits for the task.
 */
public final class JsonSubmit {
  /** Cancels the task that creates an object, wherever its owner is (this node's client, or asked). */
  public interface Canceller {
    Future<Boolean> cancel(ObjectId id);
  }

  private final FunctionRegistry functions;
  private final Ember client;
  private final Canceller canceller;

  public JsonSubmit(FunctionRegistry functions, Ember client, Canceller canceller) {
    this.functions = functions;
    this.client = client;
    this.canceller = canceller;
  }

  public Future<JsonObject> submit(Object body) {
    return JsonDoor.answer("submit", () -> Future.succeededFuture(submitNow(body)));
  }

  private JsonObject submitNow(Object body) {
    JsonObject req = Requests.object(body);
    String function = Requests.string(req, "function");
    JsonArray args = Requests.array(req, "args", new JsonArray());
    JsonObject options = Requests.object(req, "options", new JsonObject());
    Requests.onlyKeys(req, "function", "args", "options");
    Requests.onlyKeys(options, "maxRetries", "retryExceptions", "resources", "numReturns");
    RemoteFunction fn = functions.lookup(function);
    JsonArgs decoded = JsonArgs.decode(args);
    fn.check(decoded.values(), decoded.isRef());
    TaskCall<Object> call = client.taskByName(function, decoded.values());
    if (options.containsKey("maxRetries")) call.maxRetries(Requests.integer(options, "maxRetries"));
    if (options.containsKey("retryExceptions")) call.retryExceptions(Requests.bool(options, "retryExceptions"));
    JsonObject res = Requests.object(options, "resources", new JsonObject());
    for (String k : res.fieldNames()) {
      if (!(res.getValue(k) instanceof Number n)) throw Requests.bad("options.resources." + k + " must be a number");
      call.resource(k, n.doubleValue());
    }
    if (options.containsKey("numReturns")) call.numReturns(Requests.integer(options, "numReturns"));
    JsonArray ids = new JsonArray();
    for (ObjectRef<Object> ref : call.remoteMany()) ids.add(ref.id());
    ObjectId oid = ObjectId.parse(ids.getString(0));
    return new JsonObject().put("taskId", oid.task().toString()).put("objectId", oid.toString()).put("objectIds", ids);
  }

  /** {@code {"objectId"}} → {@code {"cancelled": true|false}} once the owner has decided (see {@code Ember.cancel}). */
  public Future<JsonObject> cancel(Object body) {
    return JsonDoor.answer("cancel", () -> {
      JsonObject req = Requests.object(body);
      Requests.onlyKeys(req, "objectId");
      return canceller.cancel(Requests.objectId(req, "objectId")).map(ok -> new JsonObject().put("cancelled", ok));
    });
  }
}
