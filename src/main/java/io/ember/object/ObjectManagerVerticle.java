package io.ember.object;

import io.ember.api.EmberException;
import io.ember.client.EmberClient;
import io.ember.ids.ObjectId;
import io.ember.node.NodeRuntime;
import io.ember.protocol.Addresses;
import io.ember.protocol.ErrorCode;
import io.ember.protocol.Heartbeat;
import io.ember.protocol.Requests;
import io.ember.serial.Values;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The object manager's event-bus face (the seed's plasma manager): the public JSON
 * {@code ember.get} and {@code ember.put}, the binary per-node {@code ember.node.<id>.objects}
 * used by drivers that are not nodes, the TCP transfer server that other nodes fetch from, and
 * this component's heartbeat (which tells peers where to fetch). Object bytes never travel
 * between nodes as one event-bus message: transfers stream over TCP.
 */
public final class ObjectManagerVerticle extends VerticleBase {
  private final NodeRuntime rt;
  private TransferServer server;
  private long timer;

  public ObjectManagerVerticle(NodeRuntime rt) {
    this.rt = rt;
  }

  @Override
  public Future<?> start() {
    server = new TransferServer(vertx, rt.store);
    rt.store.onDropped(id -> rt.writer.objectLocationRemoved(id, rt.nodeId));
    return server.listen(rt.conf.cluster().host(), rt.conf.objects().transferPort()).compose(port -> {
      rt.transferHost = rt.conf.cluster().host();
      rt.transferPort = port;
      var bus = vertx.eventBus();
      var get = bus.<Object>consumer(Addresses.GET, this::getJson);
      var put = bus.<Object>consumer(Addresses.PUT, this::putJson);
      var node = bus.<Object>consumer(Addresses.objectsOf(rt.nodeId), this::nodeOp);
      heartbeat();
      timer = vertx.setPeriodic(rt.conf.heartbeat().intervalMs(), t -> heartbeat());
      return Future.all(get.completion(), put.completion(), node.completion());
    });
  }

  private void heartbeat() {
    Heartbeat hb = Heartbeat.objects(rt.nodeId, rt.epoch, System.currentTimeMillis(), rt.busNodeId,
        new Heartbeat.Store(rt.transferHost, rt.transferPort, rt.heartbeatPort, rt.store.count(), rt.store.memoryBytes(),
            rt.store.diskBytes()));
    vertx.eventBus().publish(Addresses.HEARTBEAT, hb);
  }

  /** {@code {"objectId", "timeoutMs"?}} → {@code {"objectId", "value"}} with the value as JSON. */
  private void getJson(Message<Object> m) {
    ObjectId id;
    long timeout;
    try {
      JsonObject req = Requests.object(m.body());
      Requests.onlyKeys(req, "objectId", "timeoutMs");
      id = Requests.objectId(req, "objectId");
      timeout = Requests.longValue(req, "timeoutMs", rt.conf.scheduler().getTimeoutMs());
      if (timeout <= 0) throw Requests.bad("'timeoutMs' must be > 0");
    } catch (EmberException e) {
      m.fail(e.code().code, e.getMessage());
      return;
    }
    rt.client.valueOf(id, timeout).onComplete(ar -> {
      if (ar.failed()) {
        Requests.fail(m, ar.cause());
        return;
      }
      try {
        m.reply(new JsonObject().put("objectId", id.toString()).put("value", Values.toJson(ar.result())));
      } catch (EmberException e) {
        m.fail(e.code().code, "object " + id + ": " + e.getMessage());
      }
    });
  }

  /** {@code {"value": json}} → {@code {"objectId"}} once stored. */
  private void putJson(Message<Object> m) {
    Object value;
    try {
      JsonObject req = Requests.object(m.body());
      Requests.onlyKeys(req, "value");
      if (!req.containsKey("value")) throw Requests.bad("'value' is required");
      value = Values.fromJson(req.getValue("value"));
    } catch (EmberException e) {
      m.fail(e.code().code, e.getMessage());
      return;
    }
    var ref = rt.client.put(value);
    ObjectId id = ObjectId.parse(ref.id());
    rt.client.ownedLocation(id).onComplete(ar -> {
      if (ar.succeeded()) m.reply(new JsonObject().put("objectId", ref.id()));
      else Requests.fail(m, ar.cause());
    });
  }

  /** Binary operations for drivers that are not nodes; the op is in the {@code op} header. */
  private void nodeOp(Message<Object> m) {
    String op = m.headers().get("op");
    ObjectId id;
    try {
      id = ObjectId.parse(m.headers().get("objectId"));
    } catch (IllegalArgumentException e) {
      m.fail(ErrorCode.BAD_REQUEST.code, e.getMessage());
      return;
    }
    if ("put".equals(op) && m.body() instanceof Buffer bytes) {
      rt.store.put(id, bytes).onComplete(ar -> {
        if (ar.failed()) {
          Requests.fail(m, ar.cause());
          return;
        }
        rt.writer.objectCreated(id, bytes.length(), id.task(), "put", rt.nodeId);
        m.reply(rt.directory.self(bytes.length()).toJson());
      });
    } else if ("get".equals(op)) {
      long timeout = parseLong(m.headers().get("timeoutMs"), rt.conf.scheduler().getTimeoutMs());
      rt.directory.fetch(id, System.currentTimeMillis() + timeout).onComplete(ar -> {
        if (ar.failed()) Requests.fail(m, ar.cause());
        else if (ar.result().length() <= rt.conf.objects().inlineLimitBytes()) m.reply(ar.result());
        else m.reply(rt.directory.self(ar.result().length()).toJson());
      });
    } else {
      m.fail(ErrorCode.BAD_REQUEST.code, "unknown object operation '" + op + "' (get, put)");
    }
  }

  private static long parseLong(String s, long dflt) {
    try {
      return s == null ? dflt : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return server.close();
  }
}
