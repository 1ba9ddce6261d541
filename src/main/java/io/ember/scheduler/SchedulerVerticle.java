package io.ember.scheduler;

import io.ember.api.EmberException;
import io.ember.api.ObjectRef;
import io.ember.client.EmberClient;
import io.ember.ids.ObjectId;
import io.ember.node.NodeRuntime;
import io.ember.protocol.Addresses;
import io.ember.protocol.ErrorCode;
import io.ember.protocol.Heartbeat;
import io.ember.protocol.Requests;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The scheduler's event-bus face: binary submissions from clients ({@code ember.node.<id>.submit}),
 * tasks placed here by other schedulers ({@code .execute}), the public JSON {@code ember.submit},
 * and this scheduler's heartbeat (which carries its load, for spillback placement elsewhere).
 * Decodes, delegates to {@link Scheduler}, replies; holds no scheduling logic itself.
 */
public final class SchedulerVerticle extends VerticleBase {
  private final NodeRuntime rt;
  private Scheduler scheduler;
  private long timer;
  private long drainTimer;

  public SchedulerVerticle(NodeRuntime rt) {
    this.rt = rt;
  }

  @Override
  public Future<?> start() {
    scheduler = new Scheduler(rt);
    var bus = vertx.eventBus();
    var submit = bus.<TaskSpec>consumer(Addresses.submitTo(rt.nodeId), m -> scheduler.accept(m.body()));
    var execute = bus.<TaskSpec>consumer(Addresses.executeOn(rt.nodeId), m -> scheduler.runHere(m.body()));
    var json = bus.<Object>consumer(Addresses.SUBMIT, this::submitJson);
    heartbeat();
    timer = vertx.setPeriodic(rt.conf.heartbeat().intervalMs(), t -> heartbeat());
    drainTimer = vertx.setPeriodic(5, t -> scheduler.drain());
    return Future.all(submit.completion(), execute.completion(), json.completion());
  }

  private void heartbeat() {
    WorkerPool<TaskSpec> pool = scheduler.pool();
    Heartbeat hb = Heartbeat.scheduler(rt.nodeId, rt.epoch, System.currentTimeMillis(), rt.busNodeId,
        new Heartbeat.Load(pool.slots(), pool.busy(), pool.queued() + scheduler.backlog(), pool.blockedNow(),
            scheduler.advertisedResources(), rt.actors == null ? 0 : rt.actors.hosted()));
    vertx.eventBus().publish(Addresses.HEARTBEAT, hb);
  }

  /** {@code {"function": name, "args": [json value | {"$ref": objectId}], "options": {...}}}. */
  private void submitJson(Message<Object> m) {
    try {
      JsonObject req = Requests.object(m.body());
      String function = Requests.string(req, "function");
      JsonArray args = Requests.array(req, "args", new JsonArray());
      JsonObject options = Requests.object(req, "options", new JsonObject());
      Requests.onlyKeys(req, "function", "args", "options");
      Requests.onlyKeys(options, "maxRetries", "retryExceptions", "resources");
      RemoteFunction fn = rt.functions.lookup(function);
      Object[] values = new Object[args.size()];
      boolean[] isRef = new boolean[args.size()];
      for (int i = 0; i < values.length; i++) {
        Object a = args.getValue(i);
        if (a instanceof JsonObject o && o.containsKey("$ref")) {
          Requests.onlyKeys(o, "$ref");
          values[i] = new RefArg(Requests.objectId(o, "$ref"));
          isRef[i] = true;
        } else {
          values[i] = Values.fromJson(a);
        }
      }
      fn.check(values, isRef);
      EmberClient client = rt.client;
      var call = client.taskByName(function, values);
      if (options.containsKey("maxRetries")) call.maxRetries(Requests.integer(options, "maxRetries"));
      if (options.containsKey("retryExceptions")) call.retryExceptions(Requests.bool(options, "retryExceptions"));
      JsonObject res = Requests.object(options, "resources", new JsonObject());
      for (String k : res.fieldNames()) {
        if (!(res.getValue(k) instanceof Number n)) throw Requests.bad("options.resources." + k + " must be a number");
        call.resource(k, n.doubleValue());
      }
      ObjectRef<Object> ref = call.remote();
      ObjectId oid = ObjectId.parse(ref.id());
      m.reply(new JsonObject().put("taskId", oid.task().toString()).put("objectId", ref.id()));
    } catch (EmberException e) {
      m.fail(e.code().code, e.getMessage());
    } catch (IllegalArgumentException e) {
      m.fail(ErrorCode.BAD_REQUEST.code, e.getMessage());
    } catch (RuntimeException e) {
      m.fail(ErrorCode.INTERNAL.code, "submit failed: " + e);
    }
  }

  /** An object reference given in JSON: it passes through the client as an {@link ObjectRef}. */
  private record RefArg(ObjectId oid) implements ObjectRef<Object> {
    @Override
    public String id() {
      return oid.toString();
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object get(java.time.Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Object> toFuture() {
      throw new UnsupportedOperationException();
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(drainTimer);
    scheduler.shutdown();
    return Future.succeededFuture();
  }
}
