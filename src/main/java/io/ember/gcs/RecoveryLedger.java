package io.ember.gcs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * The recovery ledger ({@code ember:recoveries}): every recovery the cluster made, newest
 * first, capped at {@value Keys#RECOVERIES_CAP}. Entries are {@link LedgerEntry} records,
 * appended through a node's {@link TableWriter#recovery} (op L of the write script) or by the
 * declare-dead script, or, for a writer that is not a node (a driver), through {@link #append}.
 * It never rewrites or removes an entry (only the cap does).
 */
public final class RecoveryLedger {
  private final Store store;

  RecoveryLedger(Store store) {
    this.store = store;
  }

  /** The newest {@code max} entries as stored (JSON), newest first. */
  public Future<List<JsonObject>> recent(int max) {
    if (max <= 0) return Future.succeededFuture(List.of());
    return store.send(Request.cmd(Command.LRANGE).arg(Keys.RECOVERIES).arg(0).arg(max - 1)).map(r -> {
      List<JsonObject> out = new ArrayList<>();
      r.forEach(e -> out.add(new JsonObject(e.toString())));
      return out;
    });
  }

  /**
   * Appends an entry for a writer that is not a node's (a driver's): LPUSH then LTRIM to
   * {@value Keys#RECOVERIES_CAP}, as the write script's {@code L} op does.
   */
  public Future<Void> append(LedgerEntry entry) {
    return store.batch(List.of(Request.cmd(Command.LPUSH).arg(Keys.RECOVERIES).arg(entry.toJson().encode()),
        Request.cmd(Command.LTRIM).arg(Keys.RECOVERIES).arg(0).arg(Keys.RECOVERIES_CAP - 1))).mapEmpty();
  }
}
