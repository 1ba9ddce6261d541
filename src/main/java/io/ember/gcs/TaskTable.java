package io.ember.gcs;

import io.ember.api.ErrorCode;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Map;

/**
 * The task table ({@code ember:task:<id>}): reads of a task's row and the claim of a task for
 * re-execution ({@code task-claim.lua}). Every other change of a task row is a write of a node's
 * fenced {@link TableWriter} ({@code table-writer.lua}, op S and T), moving it forward in the
 * order of {@link TaskState}; the declare-dead script moves a dead node's tasks to LOST.
 *
 * <p>It never moves a task backwards except by a claim, which counts the attempt.
 */
public final class TaskTable {
  private static final Script CLAIM = Script.load("task-claim.lua");

  private static final Script DELIVERED = Script.load("task-delivered.lua");
  private final Store store;

  TaskTable(Store store) {
    this.store = store;
  }

  /** The task's row, or null if it was never recorded. */
  public Future<TaskRecord> get(TaskId id) {
    return store.send(Request.cmd(Command.HGETALL).arg(Keys.task(id))).map(r -> record(id, Resp.hash(r)));
  }

  /**
   * Claims task {@code id} for re-execution by {@code claimerOwner} on {@code claimerNode}, as
   * its {@code attempts+1}-th attempt, unless it is running on a live node, its result still
   * has a live copy, it failed in user code, or {@code maxRetries} re-executions were spent.
   * One claimer cluster-wide wins; the others are told who is running it. Bounded like a read
   * (UNAVAILABLE when Redis does not answer in time: the claim may or may not have been applied,
   * and the next claim finds out which).
   */
  public Future<Claim> claim(TaskId id, ClientId claimerOwner, NodeId claimerNode, int maxRetries, String reason, long now) {
    return claim(id, claimerOwner, claimerNode, maxRetries, 1, reason, now);
  }

  /** As above, for a task with {@code returns} result objects: a finished one is re-run unless every one of them has a live copy. */
  public Future<Claim> claim(TaskId id, ClientId claimerOwner, NodeId claimerNode, int maxRetries, int returns, String reason, long now) {
    return store.refusable(() -> store.runAcked(CLAIM, List.of(Keys.task(id), Keys.COUNTS), id.toString(), claimerOwner.value(),
        claimerNode.value(), maxRetries, reason, now, Keys.PREFIX, returns)).map(res -> claim(res, claimerOwner, claimerNode));
  }

  private static Claim claim(Response res, ClientId claimerOwner, NodeId claimerNode) {
    ClaimOutcome outcome = ClaimOutcome.valueOf(res.get(0).toString());
    return switch (outcome) {
      case CLAIMED -> new Claim(outcome, claimerOwner, claimerNode.value(), Integer.parseInt(res.get(1).toString()), null);
      case IN_PROGRESS -> new Claim(outcome, clientOrNull(res.get(1).toString()), res.get(2).toString(), 0, null);
      case EXISTS -> new Claim(outcome, null, res.get(1).toString(), 0, null);
      case FAILED -> new Claim(outcome, null, null, 0, failure(res, 1));
      case EXHAUSTED -> new Claim(outcome, null, null, Integer.parseInt(res.get(1).toString()), failure(res, 2));
      case MISSING -> new Claim(outcome, null, null, 0, null);
    };
  }

  /** The node the task's row names (null: no row, or none): what an owner checks a completion from an unexpected node against. */
  public Future<NodeId> nodeOf(TaskId id) {
    return store.send(Request.cmd(Command.HGET).arg(Keys.task(id)).arg("node"))
        .map(r -> r == null || r.toString().isEmpty() ? null : new NodeId(r.toString()));
  }

  /**
   * The owner received {@code id}'s result: a row a later verdict moved to LOST says FINISHED
   * again ({@code task-delivered.lua}); true if it did. A claim still re-runs it if no live copy
   * of its result is left.
   */
  public Future<Boolean> delivered(TaskId id) {
    return store.run(DELIVERED, List.of(Keys.task(id), Keys.COUNTS)).map(r -> r.toLong() == 1);
  }

  /** The four error fields {@code error errorCode errorType errorSubject} of a claim reply from {@code at}. */
  private static TaskFailure failure(Response res, int at) {
    return failure(text(res, at), text(res, at + 1), text(res, at + 2), text(res, at + 3));
  }

  private static String text(Response res, int i) {
    return i < res.size() && res.get(i) != null ? res.get(i).toString() : null;
  }

  /**
   * A row's error fields as one failure, null if it records none. A row written before codes were
   * stored has only its text: it reads as a failure with no code (never guessed from the text).
   */
  private static TaskFailure failure(String message, String code, String type, String subject) {
    if (blank(message) && blank(code) && blank(type)) return null;
    return new TaskFailure(code(code), blank(type) ? null : type, blank(message) ? null : message,
        blank(subject) ? null : subject);
  }

  /** The code named {@code name}; null if none or if this version does not know it (a newer writer's). */
  private static ErrorCode code(String name) {
    for (ErrorCode c : ErrorCode.values()) {
      if (c.name().equals(name)) return c;
    }
    return null;
  }

  private static TaskRecord record(TaskId id, Map<String, Response> h) {
    if (h.isEmpty()) return null;
    Response spec = h.get("spec");
    String node = Resp.text(h, "node");
    String owner = Resp.text(h, "owner");
    String attempts = Resp.text(h, "attempts");
    return new TaskRecord(id, spec == null ? null : spec.toBytes(), TaskState.valueOf(Resp.text(h, "state")),
        blank(node) ? null : new NodeId(node), clientOrNull(owner),
        Resp.text(h, "function"), blank(attempts) ? 0 : Integer.parseInt(attempts),
        failure(Resp.text(h, "error"), Resp.text(h, "errorCode"), Resp.text(h, "errorType"), Resp.text(h, "errorSubject")));
  }

  /** A row's owner: none when its submit was never applied (the claim script answers ''). */
  private static ClientId clientOrNull(String s) {
    return blank(s) ? null : new ClientId(s);
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }
}
