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
 * declare-dead script. It only reads; it never rewrites or removes an entry (only the cap does).
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
}
