package io.ember.gcs;

import io.vertx.core.json.DecodeException;
import io.vertx.redis.client.Response;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Where the table readers report a row they cannot read as its schema says (a key of another
 * Redis type, a field that does not decode, a script's CORRUPT answer): the first report of each
 * key in this process is logged (one line) and appended to the recovery ledger as a
 * {@link LedgerEntry.RowCorrupt}; later reports of it are only counted. The caller then fails
 * that one entity with its typed error (an object lost, an actor dead, a node skipped).
 *
 * <p>Never throws, never retries, never repairs a row.
 */
public final class CorruptRows {
  private static final Logger LOG = Logger.getLogger(CorruptRows.class.getName());

  private final RecoveryLedger ledger;
  private final String seenBy;
  private final LongSupplier clock;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  CorruptRows(RecoveryLedger ledger, String seenBy, LongSupplier clock) {
    this.ledger = ledger;
    this.seenBy = seenBy;
    this.clock = clock;
  }

  /**
   * True if {@code err} says a row is unreadable: a Redis WRONGTYPE or CORRUPT error reply, or
   * a failure to decode what Redis answered. A transport failure or a timeout is not: Redis is
   * away, the row may be fine.
   */
  static boolean unreadable(Throwable err) {
    if (err instanceof Response) {
      String m = String.valueOf(err.getMessage());
      return m.startsWith("WRONGTYPE") || m.startsWith("CORRUPT");
    }
    return err instanceof IllegalArgumentException || err instanceof IndexOutOfBoundsException || err instanceof DecodeException
        || err instanceof NullPointerException || err instanceof ClassCastException;
  }

  /** Reports {@code key} as unreadable because of {@code why}; returns the text the entity's failure should carry. */
  public String report(String key, Throwable why) {
    String text = "its row " + key + " cannot be read: " + why.getMessage();
    if (reported.add(key)) {
      LOG.warning("corrupt GCS row " + key + ": " + why.getMessage());
      ledger.append(new LedgerEntry.RowCorrupt(key, String.valueOf(why.getMessage()), seenBy, clock.getAsLong()))
          .onFailure(err -> LOG.warning("could not ledger the corrupt row " + key + ": " + err.getMessage()));
    }
    return text;
  }
}
