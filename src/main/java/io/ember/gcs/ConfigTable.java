package io.ember.gcs;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * Cluster-wide settings the scripts read ({@link Keys#CONFIG}): today the lineage bound, read by
 * the write script when a task finishes. It writes only that hash.
 */
public final class ConfigTable {
  private final Store store;

  ConfigTable(Store store) {
    this.store = store;
  }

  /** How long a finished task's row (its lineage) is kept, in ms; 0 = for ever. */
  public Future<Void> setLineageTtlMs(long ms) {
    return store.call(Request.cmd(Command.HSET).arg(Keys.CONFIG).arg("lineageTtlMs").arg(ms)).mapEmpty();
  }
}
