package io.ember.actor;

import io.ember.api.ActorCreation;
import io.ember.api.ActorHandle;
import io.ember.api.EmberException;
import io.ember.api.ObjectRef;
import io.ember.gcs.ActorTable;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.monitor.NodeDeaths;
import io.ember.node.NodeRuntime;
import io.ember.protocol.ActorCallSpec;
import io.ember.protocol.ActorCreateSpec;
import io.ember.protocol.ActorsPlaced;
import io.ember.protocol.Addresses;
import io.ember.protocol.ErrorCode;
import io.ember.protocol.NodeDeath;
import io.ember.protocol.Requests;
import io.ember.serial.Values;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The actor host's event-bus face: creation and rebuild requests for this node
 * ({@code ember.node.<id>.actors}), binary calls ({@code .actorCalls}), the monitor's verdicts
 * and placements (actors moved here), and the public JSON {@code ember.actor.create} /
 * {@code ember.actor.call}. Decodes, delegates to {@link ActorHost}, replies.
 */
public final class ActorVerticle extends VerticleBase {
  private final NodeRuntime rt;
  private final ActorRegistry registry;
  private ActorHost host;
  private long sweepTimer;

  public ActorVerticle(NodeRuntime rt, ActorRegistry registry) {
    this.rt = rt;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    host = new ActorHost(rt, registry, context);
    rt.actors = host;
    var bus = vertx.eventBus();
    var requests = bus.<Object>consumer(Addresses.actorsOf(rt.nodeId), this::onRequest);
    var calls = bus.<ActorCallSpec>consumer(Addresses.actorCallsOf(rt.nodeId), m -> host.call(m.body()));
    rt.deaths.add(context, new NodeDeaths.Listener() {
      @Override
      public void onNodeDead(NodeDeath verdict) {
        host.onPlaced(verdict.placements());
      }

      @Override
      public void onActorsPlaced(ActorsPlaced placed) {
        host.onPlaced(placed.actors());
      }
    });
    var create = bus.<Object>consumer(Addresses.ACTOR_CREATE, this::createJson);
    var call = bus.<Object>consumer(Addresses.ACTOR_CALL, this::callJson);
    sweepTimer = vertx.setPeriodic(Math.max(1000, rt.conf.heartbeat().timeoutMs()), t -> host.sweep());
    return Future.all(requests.completion(), calls.completion(), create.completion(), call.completion());
  }

  private void onRequest(Message<Object> m) {
    String op = m.headers().get("op");
    try {
      if ("create".equals(op) && m.body() instanceof ActorCreateSpec spec) {
        host.create(spec).onComplete(ar -> {
          if (ar.succeeded()) m.reply(ar.result());
          else Requests.fail(m, ar.cause());
        });
      } else if ("rebuild".equals(op)) {
        JsonObject req = Requests.object(m.body());
        ObjectId oid = Requests.objectId(req, "objectId");
        long deadline = System.currentTimeMillis() + Requests.longValue(req, "timeoutMs", rt.conf.scheduler().getTimeoutMs());
        host.rebuild(oid, Requests.string(req, "kind"), deadline).onComplete(ar -> {
          if (ar.succeeded()) m.reply(ar.result().toJson());
          else Requests.fail(m, ar.cause());
        });
      } else {
        m.fail(ErrorCode.BAD_REQUEST.code, "actor host: unknown op '" + op + "'");
      }
    } catch (EmberException e) {
      m.fail(e.code().code, e.getMessage());
    } catch (RuntimeException e) {
      m.fail(ErrorCode.BAD_REQUEST.code, "actor host: " + e.getMessage());
    }
  }

  /** {@code {"class", "args": [json], "options": {"resources", "maxRestarts", "checkpointEveryCalls", "checkpointEveryMs"}}}. */
  private void createJson(Message<Object> m) {
    try {
      JsonObject req = Requests.object(m.body());
      Requests.onlyKeys(req, "class", "args", "options");
      String cls = Requests.string(req, "class");
      registry.lookup(cls);
      JsonArray args = Requests.array(req, "args", new JsonArray());
      JsonObject options = Requests.object(req, "options", new JsonObject());
      Requests.onlyKeys(options, "resources", "maxRestarts", "checkpointEveryCalls", "checkpointEveryMs");
      Object[] values = new Object[args.size()];
      for (int i = 0; i < values.length; i++) values[i] = Values.fromJson(args.getValue(i));
      ActorCreation<Object> creation = rt.client.actorByName(cls, values);
      JsonObject res = Requests.object(options, "resources", new JsonObject());
      for (String k : res.fieldNames()) {
        if (!(res.getValue(k) instanceof Number n)) throw Requests.bad("options.resources." + k + " must be a number");
        creation.resource(k, n.doubleValue());
      }
      if (options.containsKey("maxRestarts")) creation.maxRestarts(Requests.integer(options, "maxRestarts"));
      if (options.containsKey("checkpointEveryCalls") || options.containsKey("checkpointEveryMs")) {
        creation.checkpointEvery(options.containsKey("checkpointEveryCalls") ? Requests.integer(options, "checkpointEveryCalls") : 0,
            Duration.ofMillis(Requests.longValue(options, "checkpointEveryMs", 0)));
      }
      ActorHandle<Object> handle = creation.remote();
      rt.client.whenCreated(handle).onComplete(ar -> {
        if (ar.succeeded()) m.reply(new JsonObject().put("actorId", handle.id()).put("node", ar.result().value()));
        else Requests.fail(m, ar.cause());
      });
    } catch (EmberException e) {
      m.fail(e.code().code, e.getMessage());
    } catch (IllegalArgumentException e) {
      m.fail(ErrorCode.BAD_REQUEST.code, e.getMessage());
    } catch (RuntimeException e) {
      m.fail(ErrorCode.INTERNAL.code, "actor create failed: " + e);
    }
  }

  /** {@code {"actorId", "method", "args": [json | {"$ref": objectId}]}}: replies once the call is sent. */
  private void callJson(Message<Object> m) {
    try {
      JsonObject req = Requests.object(m.body());
      Requests.onlyKeys(req, "actorId", "method", "args");
      String actorId = Requests.string(req, "actorId");
      TaskId actor;
      try {
        actor = TaskId.parse(actorId);
      } catch (IllegalArgumentException e) {
        throw Requests.bad("actorId: " + e.getMessage());
      }
      String method = Requests.string(req, "method");
      JsonArray args = Requests.array(req, "args", new JsonArray());
      Object[] values = new Object[args.size()];
      for (int i = 0; i < values.length; i++) {
        Object a = args.getValue(i);
        if (a instanceof JsonObject o && o.containsKey("$ref")) {
          Requests.onlyKeys(o, "$ref");
          values[i] = rt.client.ref(Requests.objectId(o, "$ref"));
        } else {
          values[i] = Values.fromJson(a);
        }
      }
      host.table().row(actor).onComplete(ar -> {
        try {
          if (ar.failed()) throw new EmberException(ErrorCode.UNAVAILABLE, "the actor table did not answer: " + ar.cause().getMessage());
          ActorTable.Row row = ar.result();
          if (row == null) throw new EmberException(ErrorCode.UNKNOWN_ACTOR, "no actor " + actorId + " exists");
          if ("DEAD".equals(row.state())) throw new io.ember.api.ActorDiedException(actorId, row.error());
          registry.lookup(row.className()).method(method);
          ObjectRef<Object> ref = rt.client.actorHandle(actorId).callByName(method, values).remote();
          m.reply(new JsonObject().put("taskId", ObjectId.parse(ref.id()).task().toString()).put("objectId", ref.id()));
        } catch (EmberException e) {
          m.fail(e.code().code, e.getMessage());
        } catch (RuntimeException e) {
          m.fail(ErrorCode.INTERNAL.code, "actor call failed: " + e);
        }
      });
    } catch (EmberException e) {
      m.fail(e.code().code, e.getMessage());
    } catch (IllegalArgumentException e) {
      m.fail(ErrorCode.BAD_REQUEST.code, e.getMessage());
    } catch (RuntimeException e) {
      m.fail(ErrorCode.INTERNAL.code, "actor call failed: " + e);
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    host.close();
    return Future.succeededFuture();
  }
}
