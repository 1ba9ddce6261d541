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
 * a submission through this node's client, answered with {@code {"taskId", "objectId"}} at once.
 * Checks the function and its plain-value arguments before submitting; never waits for the task.
 */
public final class JsonSubmit {
  private final FunctionRegistry functions;
  private final Ember client;

  public JsonSubmit(FunctionRegistry functions, Ember client) {
    this.functions = functions;
    this.client = client;
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
    Requests.onlyKeys(options, "maxRetries", "retryExceptions", "resources");
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
    ObjectRef<Object> ref = call.remote();
    ObjectId oid = ObjectId.parse(ref.id());
    return new JsonObject().put("taskId", oid.task().toString()).put("objectId", ref.id());
  }
}
