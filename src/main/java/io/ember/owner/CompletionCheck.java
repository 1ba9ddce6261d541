package io.ember.owner;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.NodeId;
import io.ember.protocol.Drops;
import io.ember.protocol.TaskDone;
import io.ember.util.Retry;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Decides whether a completion that came over the event bus (a {@link TaskDone} in a client's
 * inbox) may be acted on: it must name, as its sender, the node that ran the work. The owner
 * knows where it handed each task (its home, or the claimer it re-ran it on) and each actor call
 * (the actor's node); a completion from that node is accepted at once, which is the common path
 * and costs nothing. One from another node is accepted only when the table says that node runs
 * it (a task its home forwarded to a peer: the forward and the peer's RUNNING write name the
 * peer; an actor the monitor moved): the row is read, and read again (backing off to every
 * {@value #ROW_EVERY_MS} ms) for up to {@value #ROW_WAIT_MS} ms, because a result travels before
 * its node's row writes land. A completion that names no node, or a node the table never
 * names, is dropped: counted, one log line per 10 s. A genuine one dropped by mistake costs only
 * delay: the owner's reconciler completes a task the table says is FINISHED from its live copy.
 *
 * <p>Never blocks and never throws; it does not deliver anything itself.
 */
public final class CompletionCheck {
  public static final long ROW_WAIT_MS = 3_000;
  public static final long ROW_EVERY_MS = 200;

  /** Where a completion is expected from: the node the owner handed the work to (null: unknown), and what the table says. */
  public record Expected(NodeId handedTo, Supplier<Future<NodeId>> table) {}

  private static final EmberException NOT_YET = new EmberException(ErrorCode.FORBIDDEN, "the table does not name that node (yet)");

  private final Retry rowRetry;
  private final Clock clock;
  private final Drops drops;

  public CompletionCheck(Retry rowRetry, Clock clock, String inbox) {
    this.rowRetry = rowRetry;
    this.clock = clock;
    this.drops = new Drops(inbox);
  }

  /**
   * Completes with true when {@code d} may be delivered, false when it was dropped. The table
   * (the node it names, null for none) is asked only when {@code d} is not from {@code handedTo}.
   */
  public Future<Boolean> accepts(TaskDone d, Expected expected) {
    NodeId handedTo = expected.handedTo();
    Supplier<Future<NodeId>> table = expected.table();
    if (d.node() == null) return rejected(d, "it names no sending node");
    if (d.node().equals(handedTo)) return Future.succeededFuture(true);
    long deadline = clock.millis() + ROW_WAIT_MS;
    return rowRetry.until(deadline, () -> table.get().compose(n ->
            d.node().equals(n) ? Future.succeededFuture(true) : Future.<Boolean>failedFuture(NOT_YET)))
        .recover(err -> rejected(d, "it came from node " + d.node() + ", which did not run it (handed to " + handedTo
            + (err == NOT_YET ? "; the table names another node, or none" : "; the table could not be read: " + err.getMessage()) + ")"));
  }

  /** Drops a completion for work this owner is not waiting for (never submitted, or already answered). */
  public void notAwaited(TaskDone d) {
    drops.drop("completion of task " + d.task() + " from node " + d.node() + ": this client is not waiting for it");
  }

  /** How many completions were dropped since the last log line. */
  public long dropped() {
    return drops.dropped();
  }

  private Future<Boolean> rejected(TaskDone d, String why) {
    drops.drop("completion of task " + d.task() + " refused: " + why);
    return Future.succeededFuture(false);
  }
}
