package io.ember.node;

import io.ember.client.EmberClient;
import io.ember.conf.EmberConf;
import io.ember.gcs.Gcs;
import io.ember.gcs.RedisProcess;
import io.ember.gcs.TableWriter;
import io.ember.ids.NodeId;
import io.ember.monitor.ClusterView;
import io.ember.monitor.NodeDeaths;
import io.ember.object.ObjectDirectory;
import io.ember.object.ObjectStore;
import io.ember.object.TransferClient;
import io.ember.scheduler.FunctionRegistry;
import io.vertx.core.Vertx;

/**
 * The services one node's components share: its identity and epoch, the GCS connection and
 * fenced writer, the local object store, the function table, the view of its peers and the
 * node's own client (owner of tasks submitted through the event-bus API and from inside tasks).
 * Built once by {@link NodeVerticle} before the component verticles deploy; holds no logic.
 */
public final class NodeRuntime {
  public final Vertx vertx;
  public final EmberConf conf;
  public final NodeId nodeId;
  public final FunctionRegistry functions;
  public final ClusterView view = new ClusterView();
  /** Verdicts and late actor placements, decoded once and fanned out to this node's listeners. */
  public final NodeDeaths deaths = new NodeDeaths();
  public volatile long epoch;
  public Gcs gcs;
  public TableWriter writer;
  public ObjectStore store;
  public TransferClient transfers;
  public ObjectDirectory directory;
  public String transferHost;
  public int transferPort;
  /** The UDP port of this node's heartbeat channel (0 until the monitor opens it). */
  public volatile int heartbeatPort;
  public EmberClient client;
  /** This node's actor host (null until the actor verticle deploys). */
  public volatile io.ember.actor.ActorHost actors;
  public RedisProcess embeddedRedis;
  /** The Vert.x cluster node id of this node (Hazelcast member attribute), null when not clustered. */
  public String busNodeId;
  private final java.util.concurrent.atomic.AtomicBoolean fenced = new java.util.concurrent.atomic.AtomicBoolean();
  /** What to do once this node learns it was declared dead: by default, exit (a new incarnation may be started). */
  public java.util.function.Consumer<String> onFenced = why -> {
    java.util.logging.Logger.getLogger("io.ember.node").severe("node " + "fenced: " + why + "; exiting");
    Runtime.getRuntime().halt(3);
  };

  /** This node was declared dead (its writes are refused): stop acting, once. */
  public void fenced(String why) {
    if (fenced.compareAndSet(false, true)) onFenced.accept(why);
  }

  public boolean isFenced() {
    return fenced.get();
  }

  public NodeRuntime(Vertx vertx, EmberConf conf, NodeId nodeId, FunctionRegistry functions) {
    this.vertx = vertx;
    this.conf = conf;
    this.nodeId = nodeId;
    this.functions = functions;
  }
}
