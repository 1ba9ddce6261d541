package io.ember.gcs;

import io.ember.ids.ActorId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;

/**
 * The key schema of Ember's global control store: every Redis key Ember reads or writes is
 * named here (and, for the batched write path, mirrored in {@code table-writer.lua}, which
 * builds the same names from the same prefix). Nothing else in Ember spells a key.
 *
 * <table>
 *   <caption>Redis keys (prefix {@code ember:})</caption>
 *   <tr><th>key</th><th>type</th><th>contents</th><th>written by</th></tr>
 *   <tr><td>{@code ember:epoch}</td><td>STRING (counter)</td>
 *       <td>INCR hands out node epochs (incarnation numbers), strictly increasing</td><td>register script</td></tr>
 *   <tr><td>{@code ember:nodes}</td><td>SET</td><td>every node id ever registered</td><td>register script</td></tr>
 *   <tr><td>{@code ember:node:<nodeId>}</td><td>HASH</td>
 *       <td>{@code epoch}, {@code state} ({@code ALIVE}|{@code DEAD}), {@code host}, {@code busAddress},
 *       {@code transferPort}, {@code resources} (JSON), {@code startedAt}, {@code heartbeatAt} (ms),
 *       {@code load} (JSON), {@code deadAt}, {@code deadReason}. The fence: a write batch applies only
 *       if {@code epoch} equals the writer's and {@code state} is {@code ALIVE}</td>
 *       <td>register script, heartbeat, declare-dead script</td></tr>
 *   <tr><td>{@code ember:node:<nodeId>:tasks}</td><td>SET</td>
 *       <td>ids of tasks QUEUED or RUNNING on that node (a dead node's tasks without a scan)</td><td>write script</td></tr>
 *   <tr><td>{@code ember:node:<nodeId>:objects}</td><td>SET</td><td>ids of objects that node holds</td><td>write script</td></tr>
 *   <tr><td>{@code ember:task:<taskId>}</td><td>HASH</td>
 *       <td>{@code spec} (binary-safe bytes), {@code state} (a TaskState), {@code node}, {@code owner},
 *       {@code job}, {@code function}, {@code attempts}, {@code updatedAt} (ms), and the task's failure
 *       as separate fields ({@code ""} = none; see TaskFailure): {@code error} (the human-readable message, or the
 *       reason of a LOST or claimed row), {@code errorCode} (an ErrorCode name), {@code errorType} (the exception's
 *       class), {@code errorSubject} (the actor or object id it names)</td>
 *       <td>write script</td></tr>
 *   <tr><td>{@code ember:obj:<objectId>}</td><td>HASH</td>
 *       <td>{@code size} (bytes), {@code task}, {@code kind} ({@code task}|{@code put}|{@code copy}), {@code createdAt}
 *       (ms) — exactly these four — plus one field {@code @<nodeId>} (value {@code 1}) per node holding a copy
 *       (its location set: kept in the row, not in a key of its own, because a key per object costs Redis a
 *       dict, an allocation and a call per object written)</td>
 *       <td>write script</td></tr>
 *   <tr><td>{@code ember:counts}</td><td>HASH</td>
 *       <td>exact counters: {@code task.<STATE>} per TaskState, {@code actor.<STATE>} per ActorState, {@code objects} (objects with at least one
 *       location), {@code objectBytes} (their total size)</td><td>write script only</td></tr>
 *   <tr><td>{@code ember:job:<jobId>}</td><td>HASH</td>
 *       <td>{@code name}, {@code state}, {@code driver}, {@code submittedAt}, {@code updatedAt}, free-form fields</td>
 *       <td>write script</td></tr>
 *   <tr><td>{@code ember:jobs}</td><td>SET</td><td>every job id</td><td>write script</td></tr>
 *   <tr><td>{@code ember:actor:<actorId>}</td><td>HASH</td>
 *       <td>{@code spec} (an encoded ActorCreateSpec: class, constructor arguments, options), {@code class},
 *       {@code resources} (JSON), {@code maxRestarts} (-1 = unlimited), {@code restarts}, {@code node} (its host;
 *       {@code ""} while no live node can host it), {@code incarnation} (1, then +1 per recreation),
 *       {@code state} (an ActorState), {@code error}, {@code logBase} (index of the first entry still in the log),
 *       {@code owner}, {@code createdAt}, {@code updatedAt}, {@code checkpointAt} (ms of its newest checkpoint; absent = none)</td>
 *       <td>write script (N R D C Y), declare-dead script, kill script (DEAD, error {@code killed})</td></tr>
 *   <tr><td>{@code ember:actor:<actorId>:log}</td><td>LIST</td>
 *       <td>the method log: entry {@code logBase + i} at list index {@code i}, each an encoded MethodLogEntry
 *       (call id, caller, seq, method, arguments, outcome digest)</td><td>write script (A; trimmed by C)</td></tr>
 *   <tr><td>{@code ember:actor:<actorId>:ckpt}</td><td>HASH</td>
 *       <td>checkpoints: field = calls applied before it, value = encoded state and per-caller seqs; the newest
 *       {@code actors.checkpointsKept} are kept</td><td>write script (C)</td></tr>
 *   <tr><td>{@code ember:actors}</td><td>SET</td><td>every actor id</td><td>write script (N)</td></tr>
 *   <tr><td>{@code ember:node:<nodeId>:actors}</td><td>SET</td>
 *       <td>ids of the actors that node hosts or must restore</td><td>write script, declare-dead script</td></tr>
 *   <tr><td>{@code ember:actors:unplaced}</td><td>SET</td>
 *       <td>actors to recreate for which no live node had the resources; the acting monitor retries them</td>
 *       <td>declare-dead script, place script</td></tr>
 *   <tr><td>{@code ember:actorName:<name>}</td><td>HASH</td>
 *       <td>a named actor: {@code actor} (its id), {@code node} (the node that claimed the name, before the
 *       constructor ran). Held while that actor is ALIVE or RESTARTING, or has no row yet and that node is
 *       ALIVE; free otherwise ({@code actor-name.lua} is the one rule)</td><td>name script, kill script</td></tr>
 *   <tr><td>{@code ember:actor:<actorId>:name}</td><td>STRING</td>
 *       <td>the name that actor claimed (so a kill frees it)</td><td>name script, kill script</td></tr>
 *   <tr><td>{@code ember:actor:<actorId>:rebuild:<index>}</td><td>STRING (TTL)</td>
 *       <td>who is rebuilding that call's lost output (one rebuild cluster-wide at a time)</td><td>ActorTable</td></tr>
 *   <tr><td>{@code ember:config}</td><td>HASH</td><td>{@code lineageTtlMs}</td><td>ConfigTable</td></tr>
 *   <tr><td>{@code ember:monitor:leader}</td><td>STRING (TTL)</td><td>the monitor lease {@code <node>|<term>}</td>
 *       <td>MonitorLease</td></tr>
 *   <tr><td>{@code ember:monitor:term}</td><td>STRING (counter)</td><td>monitor terms</td><td>MonitorLease</td></tr>
 *   <tr><td>{@code ember:recoveries}</td><td>LIST</td>
 *       <td>node-level recovery records (node deaths, leader changes, actor restores and rebuilds) as
 *       JSON text, newest first, capped at {@value #RECOVERIES_CAP}</td><td>write script, declare-dead script</td></tr>
 *   <tr><td>{@code ember:recoveries:tasks}</td><td>LIST</td>
 *       <td>task resubmissions, kept apart so that a flood of them never pushes a node death out;
 *       newest first, capped at {@value #RECOVERIES_CAP}</td><td>write script</td></tr>
 * </table>
 *
 * <p>Ids are in their {@code toString()} form: 32 hex digits for task and job ids,
 * {@code <task>.<index>} for object ids, the node id as given.
 */
public final class Keys {
  public static final String PREFIX = "ember:";
  public static final String EPOCH = PREFIX + "epoch";
  public static final String NODES = PREFIX + "nodes";
  public static final String COUNTS = PREFIX + "counts";
  public static final String JOBS = PREFIX + "jobs";
  public static final String ACTORS = PREFIX + "actors";
  public static final String RECOVERIES = PREFIX + "recoveries";
  /** Task resubmissions: a list of their own, so that thousands of them never crowd out node-level entries. */
  public static final String TASK_RECOVERIES = PREFIX + "recoveries:tasks";
  public static final int RECOVERIES_CAP = 1000;
  /** Cluster-wide settings read by the scripts ({@code lineageTtlMs}). */
  public static final String CONFIG = PREFIX + "config";
  /** The monitor lease, {@code <node>|<term>} with a TTL. */
  public static final String LEADER = PREFIX + "monitor:leader";
  /**
   * Set (to {@code redis.minReplicaAcks}) by the Redis group's primary once it has had that many
   * replicas in touch: until then a group's writes count on the primary's reply alone (there is
   * no replica to promote), from then on only once the replicas hold them.
   */
  public static final String GROUP_ACKS = PREFIX + "group:acks";
  /** The monitor term counter. */
  public static final String TERM = PREFIX + "monitor:term";

  /** Field names of {@link #COUNTS} other than the per-state task counters. */
  public static final String COUNT_OBJECTS = "objects";
  public static final String COUNT_OBJECT_BYTES = "objectBytes";
  /** Prefix of the location fields of an object row. */
  public static final String LOCATION_PREFIX = "@";

  private Keys() {
  }

  public static String node(NodeId id) {
    return PREFIX + "node:" + id;
  }

  public static String nodeTasks(NodeId id) {
    return node(id) + ":tasks";
  }

  public static String nodeObjects(NodeId id) {
    return node(id) + ":objects";
  }

  public static String task(TaskId id) {
    return PREFIX + "task:" + id;
  }

  public static String object(ObjectId id) {
    return PREFIX + "obj:" + id;
  }

  /** The field of {@link #object} that says {@code node} holds a copy. */
  public static String location(NodeId node) {
    return LOCATION_PREFIX + node;
  }

  public static String job(JobId id) {
    return PREFIX + "job:" + id;
  }

  public static final String ACTORS_UNPLACED = PREFIX + "actors:unplaced";

  public static String actor(ActorId actor) {
    return PREFIX + "actor:" + actor;
  }

  public static String actorLog(ActorId actor) {
    return actor(actor) + ":log";
  }

  public static String actorCheckpoints(ActorId actor) {
    return actor(actor) + ":ckpt";
  }

  public static String actorName(String name) {
    return PREFIX + "actorName:" + name;
  }

  /** The name {@code actor} claimed, if any. */
  public static String nameOf(ActorId actor) {
    return actor(actor) + ":name";
  }

  public static String actorRebuild(ActorId actor, long index) {
    return actor(actor) + ":rebuild:" + index;
  }

  public static String nodeActors(NodeId id) {
    return node(id) + ":actors";
  }
}
