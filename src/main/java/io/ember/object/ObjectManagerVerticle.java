package io.ember.object;

import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.security.ClusterTls;
import io.ember.protocol.Addresses;
import io.ember.protocol.Heartbeat;
import io.ember.protocol.JsonDoor;
import io.ember.protocol.Requests;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The object manager's event-bus face (the seed's plasma manager): the public JSON
 * {@code ember.get}, {@code ember.wait} and {@code ember.put}, the binary per-node {@code ember.node.<id>.objects}
 * used by drivers that are not nodes, the TCP transfer server that other nodes fetch from, and
 * this component's heartbeat (which tells peers where to fetch). Decodes, delegates to
 * {@link ObjectRequests}, replies. Object bytes never travel between nodes as one event-bus
 * message: transfers stream over TCP.
 */
public final class ObjectManagerVerticle extends VerticleBase {
  private final NodeId self;
  private final LongSupplier epoch;
  private final String busNodeId;
  private final ObjectStore store;
  private final ObjectRequests requests;
  private final String host;
  private final ClusterTls tls;   // null: transfers in clear text (cluster.tls false)
  private final int wantedPort;
  private final int heartbeatIntervalMs;
  private final IntSupplier heartbeatPort;
  private final Clock clock;
  private TransferServer server;
  private volatile int transferPort;
  private long timer;

  /**
   * @param host          where the transfer server listens and peers fetch from ({@code cluster.host})
   * @param wantedPort    the transfer port to listen on ({@code objects.transferPort}; 0: any)
   * @param heartbeatPort this node's heartbeat channel port: late-bound, 0 until the monitor opens it
   */
  public ObjectManagerVerticle(NodeId self, LongSupplier epoch, String busNodeId, ObjectStore store, ObjectRequests requests,
      String host, int wantedPort, ClusterTls tls, int heartbeatIntervalMs, IntSupplier heartbeatPort, Clock clock) {
    this.self = self;
    this.tls = tls;
    this.epoch = epoch;
    this.busNodeId = busNodeId;
    this.store = store;
    this.requests = requests;
    this.host = host;
    this.wantedPort = wantedPort;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.heartbeatPort = heartbeatPort;
    this.clock = clock;
  }

  /** The host peers fetch from. */
  public String transferHost() {
    return host;
  }

  /** The port the transfer server listens on: 0 until the verticle has started. */
  public int transferPort() {
    return transferPort;
  }

  @Override
  public Future<?> start() {
    server = new TransferServer(vertx, store, tls);
    store.onDropped(requests::dropped);
    return server.listen(host, wantedPort).compose(port -> {
      transferPort = port;
      var bus = vertx.eventBus();
      var get = bus.consumer(Addresses.GET, JsonDoor.serve("get", m -> requests.getJson(m.body())));
      var put = bus.consumer(Addresses.PUT, JsonDoor.serve("put", m -> requests.putJson(m.body())));
      var wait = bus.consumer(Addresses.WAIT, JsonDoor.serve("wait", m -> requests.waitJson(m.body())));
      var node = bus.consumer(Addresses.objectsOf(self), JsonDoor.serve("object manager", this::nodeOp));
      heartbeat();
      timer = vertx.setPeriodic(heartbeatIntervalMs, t -> heartbeat());
      return Future.all(get.completion(), put.completion(), wait.completion(), node.completion());
    });
  }

  private void heartbeat() {
    Heartbeat hb = Heartbeat.objects(self, epoch.getAsLong(), clock.millis(), busNodeId,
        new Heartbeat.Store(host, transferPort, heartbeatPort.getAsInt(), store.count(), store.memoryBytes(), store.diskBytes()));
    vertx.eventBus().publish(Addresses.HEARTBEAT, hb);
  }

  /** Binary operations for drivers that are not nodes, and a peer's copy of a put; the op is in the {@code op} header. */
  private Future<?> nodeOp(Message<Object> m) {
    String op = m.headers().get("op");
    ObjectId id = Requests.objectIdHeader(m.headers().get("objectId"), "objectId");
    if ("get".equals(op)) return requests.get(id, Requests.timeoutMsHeader(m.headers().get("timeoutMs"), "timeoutMs", -1));
    if ("copy".equals(op)) return requests.copy(id, Requests.nodeIdHeader(m.headers().get("from"), "from"), m.body() instanceof Buffer b ? b : null);
    if (!"put".equals(op)) throw Requests.bad("unknown object operation '" + op + "' (get, put, copy)");
    if (!(m.body() instanceof Buffer bytes)) throw Requests.bad("object put: the body must be the object's bytes");
    return requests.put(id, bytes, Requests.clientIdHeader(m.headers().get("owner"), "owner"),
        Requests.timeoutMsHeader(m.headers().get("timeoutMs"), "timeoutMs", -1));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return server.close();
  }
}
