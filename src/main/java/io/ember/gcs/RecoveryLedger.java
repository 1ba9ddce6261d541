package io.ember.gcs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The recovery ledger: every recovery the cluster made, newest first. Node-level entries
 * ({@code ember:recoveries}) and task resubmissions ({@code ember:recoveries:tasks}) are kept in
 * two lists, each capped at {@value Keys#RECOVERIES_CAP}, so that the thousands of resubmissions
 * one node death can cause never push the death itself out. Entries are {@link LedgerEntry} records,
 * appended through a node's {@link TableWriter#recovery} (op L of the write script) or by the
 * declare-dead script, or, for a writer that is not a node (a driver), through {@link #append}.
 * It never rewrites or removes an entry (only the cap does).
 */
public final class RecoveryLedger {
  private final Store store;

  RecoveryLedger(Store store) {
    this.store = store;
  }

  /**
   * The newest {@code max} node-level entries and the newest {@code max} task resubmissions, as
   * stored (JSON), merged newest first by time ({@code at}): up to twice {@code max} in all, so
   * that a burst of resubmissions never hides the node death that caused it.
   */
  public Future<List<JsonObject>> recent(int max) {
    if (max <= 0) return Future.succeededFuture(List.of());
    return store.batch(List.of(range(Keys.RECOVERIES, max), range(Keys.TASK_RECOVERIES, max))).map(r -> {
      List<JsonObject> out = new ArrayList<>();
      for (Response list : r) list.forEach(e -> out.add(new JsonObject(e.toString())));
      out.sort(Comparator.comparingLong((JsonObject e) -> e.getLong("at", 0L)).reversed());
      return out;
    });
  }

  /** How many entries the two lists hold in all (each at most {@value Keys#RECOVERIES_CAP}). */
  public Future<Long> size() {
    return store.batch(List.of(Request.cmd(Command.LLEN).arg(Keys.RECOVERIES), Request.cmd(Command.LLEN).arg(Keys.TASK_RECOVERIES)))
        .map(r -> r.get(0).toLong() + r.get(1).toLong());
  }

  private static Request range(String key, int max) {
    return Request.cmd(Command.LRANGE).arg(key).arg(0).arg(max - 1);
  }

  /** Task resubmissions go to a list of their own (a flood of them must not push node deaths out). */
  static boolean taskLevel(LedgerEntry entry) {
    return entry instanceof LedgerEntry.TaskResubmitted;
  }

  /**
   * Appends an entry for a writer that is not a node's (a driver's): LPUSH then LTRIM to
   * {@value Keys#RECOVERIES_CAP}, as the write script's {@code L} op does.
   */
  public Future<Void> append(LedgerEntry entry) {
    String key = taskLevel(entry) ? Keys.TASK_RECOVERIES : Keys.RECOVERIES;
    return store.writeBatch(List.of(Request.cmd(Command.LPUSH).arg(key).arg(entry.toJson().encode()),
        Request.cmd(Command.LTRIM).arg(key).arg(0).arg(Keys.RECOVERIES_CAP - 1))).mapEmpty();
  }
}
