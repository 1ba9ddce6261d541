package io.ember.protocol;

import io.ember.ids.ClientId;
import io.ember.ids.NodeId;

/**
 * Every event-bus address Ember listens on. The public ones (no node id in them) are the
 * user-facing API and are listed in the README; any node answers them. The per-node ones carry
 * traffic between Ember's own components.
 */
public final class Addresses {
  private Addresses() {}

  /**
   * Public: submit a task. JSON request {@code {"function", "args", "options"}}, replies at once
   * {@code {"taskId", "objectId", "objectIds"}} (its first return object, and all of them).
   */
  public static final String SUBMIT = "ember.submit";
  /** Public: get an object's value, {@code {"objectId", "timeoutMs"}}, or several, {@code {"objectIds", "timeoutMs"}}. */
  public static final String GET = "ember.get";
  /** Public: store a value. JSON request {@code {"value"}}, replies {@code {"objectId"}}. */
  public static final String PUT = "ember.put";
  /**
   * Public: wait for the first k of n objects. JSON request {@code {"objectIds", "numReady", "timeoutMs"}},
   * replies {@code {"ready", "notReady"}} (object ids, in the order asked).
   */
  public static final String WAIT = "ember.wait";
  /** Public: cancel the task that creates an object. JSON request {@code {"objectId"}}, replies {@code {"cancelled"}}. */
  public static final String CANCEL_TASK = "ember.cancel";
  /** Public: cluster status as JSON. */
  public static final String STATUS = "ember.status";

  /** Public: create an actor. JSON request {@code {"class", "args", "options"}}, replies {@code {"actorId", "node"}}. */
  public static final String ACTOR_CREATE = "ember.actor.create";
  /** Public: call an actor method. JSON request {@code {"actorId", "method", "args"}}, replies {@code {"taskId", "objectId"}}. */
  public static final String ACTOR_CALL = "ember.actor.call";
  /** Public: kill an actor for good. JSON request {@code {"actorId"}}, replies {@code {"actorId", "killed"}}. */
  public static final String ACTOR_KILL = "ember.actor.kill";
  /** Public: find a named actor. JSON request {@code {"name"}}, replies {@code {"actorId"}}. */
  public static final String ACTOR_NAMED = "ember.actor.named";

  /** An owner cancelled a task: a {@link TaskCancel} to every scheduler (publish). */
  public static final String CANCEL = "ember.tasks.cancel";
  /** Heartbeats of every scheduler and object manager: a {@link Heartbeat} (publish). */
  public static final String HEARTBEAT = "ember.monitor.heartbeat";
  /** The acting monitor's verdicts: a {@link NodeDeath} (publish). */
  public static final String NODE_DEAD = "ember.monitor.nodeDead";
  /** The acting monitor placed actors that had no live node: an {@link ActorsPlaced} (publish). */
  public static final String ACTORS_PLACED = "ember.monitor.actorsPlaced";

  private static final String NODE = "ember.node.";

  /** A node's scheduler: binary task submission from Java clients on this or other JVMs. */
  public static String submitTo(NodeId node) {
    return NODE + node + ".submit";
  }

  /** A node's scheduler: run a task that another scheduler placed here (spillback). */
  public static String executeOn(NodeId node) {
    return NODE + node + ".execute";
  }

  /** A node's object manager: look up a stored object (inline value or transfer endpoint). */
  public static String objectsOf(NodeId node) {
    return NODE + node + ".objects";
  }

  /** A client (a node's own, or a driver's): where its owned objects are, once they exist. */
  public static String clientWait(ClientId clientId) {
    return "ember.client." + clientId + ".wait";
  }

  /** A client: cancel a task it owns (JSON {@code {"taskId"}}, replies {@code {"cancelled"}}); for {@code ember.cancel} at a node that does not own it. */
  public static String clientCancel(ClientId clientId) {
    return "ember.client." + clientId + ".cancel";
  }

  /** A client's completion inbox: the scheduler sends task results there. */
  public static String clientInbox(ClientId clientId) {
    return "ember.client." + clientId + ".done";
  }

  /** A node's actor host: create, rebuild and kill requests (request/reply). */
  public static String actorsOf(NodeId node) {
    return NODE + node + ".actors";
  }

  /** A node's actor host: binary method calls for the actors it hosts (results go to the caller's inbox). */
  public static String actorCallsOf(NodeId node) {
    return NODE + node + ".actorCalls";
  }
}
