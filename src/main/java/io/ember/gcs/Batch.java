package io.ember.gcs;

import io.vertx.core.Promise;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A group of write calls sent as one EVALSHA, plus the flush markers that wait for it. While it
 * is built, calls on the same row fold into one {@link ScriptOp} (unless coalescing is off, then
 * every call is an op of its own); ops on different rows touch disjoint keys (apart from
 * counters, which add up), so their order does not matter — except recovery entries, which
 * never merge and keep theirs. Once {@link #seal sealed} it is kept unchanged until Redis
 * acknowledges it, so it can be re-sent after a reconnect.
 */
final class Batch {
  private final boolean coalesce;
  private final List<ScriptOp> ops = new ArrayList<>();
  private final Map<Object, ScriptOp> byRow = new HashMap<>();
  private int calls;
  final List<Promise<Void>> markers = new ArrayList<>(1);
  Request request;
  /** Its sequence number (set when sealed) and the epoch of its latest send (see {@link WriteSequence}). */
  long seq;
  String sentEpoch;
  /** Redis applied this batch (re-set on each send): with replica acknowledgement it may still wait for WAIT. */
  boolean applied;
  /** The script's reply, once applied. */
  Response reply;

  Batch(boolean coalesce) {
    this.coalesce = coalesce;
  }

  void add(WriteOp call) {
    calls++;
    Object row = coalesce ? call.key() : null;
    ScriptOp op = row == null ? null : byRow.get(row);
    if (op != null) {
      call.foldInto(op);
      return;
    }
    op = call.start();
    ops.add(op);
    if (row != null) byRow.put(row, op);
  }

  /** Script ops (rows) so far: what one script run has to do. */
  int ops() {
    return ops.size();
  }

  /** Write calls folded in: what the writer counts as pending. */
  int calls() {
    return calls;
  }

  boolean isEmpty() {
    return calls == 0;
  }

  /** Encodes the ops after {@code head} (EVALSHA, key and fixed arguments); no call may be added after. */
  void seal(Request head) {
    for (ScriptOp op : ops) op.appendTo(head);
    request = head;
    byRow.clear();
  }

  /** Applied: {@code problems} are the rows the script skipped ({@code "CORRUPT <key> ..."}); their ops fail, typed. */
  void complete(Set<String> refusedActors, List<String> problems) {
    for (ScriptOp op : ops) {
      String problem = problems.isEmpty() ? null : op.problemIn(problems);
      if (problem == null) op.applied(refusedActors);
      else op.failed(new CorruptRowException(problem, null));
    }
    markers.forEach(Promise::tryComplete);
  }

  /**
   * Applied, with the script's {@code reply}: its items after the first are refused actor writes,
   * or rows the script skipped ({@code "CORRUPT <key> ..."}, each also told to {@code corrupt}).
   */
  void completeFrom(Response reply, Consumer<String> corrupt) {
    Set<String> refused = Set.of();
    List<String> problems = List.of();
    if (reply != null && reply.type() == ResponseType.MULTI && reply.size() > 1) {
      refused = new HashSet<>();
      problems = new ArrayList<>();
      for (int i = 1; i < reply.size(); i++) {
        String item = reply.get(i).toString();
        if (item.startsWith("CORRUPT ")) problems.add(item);
        else refused.add(item);
      }
      problems.forEach(corrupt);
    }
    complete(refused, problems);
  }

  void fail(Throwable cause) {
    for (ScriptOp op : ops) op.failed(cause);
    markers.forEach(p -> p.tryFail(cause));
  }
}
