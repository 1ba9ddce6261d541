package io.ember.owner;

import io.ember.gcs.LedgerEntry;

/**
 * Where the owner side records its recovery actions (the cluster's recovery ledger,
 * {@code ember:recoveries}): a node's table writer, or for a driver that is not a node a direct
 * append to the same list. Appends never block and never fail the recovery they record.
 */
public interface Ledger {
  void record(LedgerEntry entry);
}
