package io.ember.node;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.gcs.LedgerEntry;
import io.ember.gcs.Republish;
import io.ember.gcs.ResyncAsk;
import io.ember.gcs.TableWriter;
import io.ember.ids.NodeId;
import io.ember.util.Retry;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * What this node does when Redis comes back empty or behind (its writer's batches are answered
 * {@code RESYNC}): if {@link ResyncRule} allows it, it re-registers at an epoch strictly above
 * the one it held (writing back the deaths it heard of first, so that a zombie resyncing later
 * finds its verdict), then hands its writer what to re-publish before anything it held: the
 * objects it holds, the pending tasks its client owns, the actors it hosts with a fresh
 * checkpoint each. Once those are in Redis it records one {@code gcs-resynced} ledger entry.
 * Otherwise the answer fails and the writer fences the node. Never declares anything about
 * another node and never runs on an event loop for long (the actor snapshots run on a worker).
 */
public final class NodeResync {
  private static final Logger LOG = Logger.getLogger(NodeResync.class.getName());
  /** How long a resync keeps asking a Redis that does not answer yet (LOADING, restarting) before the node fences. */
  static final long REGISTER_RETRY_MS = 60_000;
  /**
   * One attempt's bound: a pooled connection cut by the restart can hold a request until the
   * store's own 10 s timeout; asking again on a fresh one is quicker. The script is idempotent
   * (a row ALIVE above the known epoch is this node's own earlier attempt).
   */
  static final long ATTEMPT_MS = 1_000;

  /** What a resync reads from the node and how it registers: one place, so the coordinator is testable with fakes. */
  public interface Sources {
    /** The nodes this node heard declared dead, with the epoch each was declared at. */
    Map<NodeId, Long> knownDead();

    /** Re-registers above {@code knownEpoch} (see {@code NodeTable.resync}); the new epoch, or -1 if Redis says it is dead. */
    Future<Long> register(long knownEpoch, Map<NodeId, Long> knownDead);

    /** Adds what this node holds and owns (objects, pending tasks) to {@code r}. */
    void fill(Republish r);

    /** Adds the actors hosted here, each with a fresh checkpoint. */
    Future<Void> actors(Republish r);
  }

  private final NodeId self;
  private final ResyncRule rule;
  private final StallWatch stalls;
  private final BooleanSupplier fenced;
  private final Sources sources;
  private final TableWriter writer;
  private final Retry retry;
  private final Clock clock;

  public NodeResync(NodeId self, ResyncRule rule, StallWatch stalls, BooleanSupplier fenced, Sources sources, TableWriter writer, Retry retry,
      Clock clock) {
    this.self = self;
    this.rule = rule;
    this.stalls = stalls;
    this.fenced = fenced;
    this.sources = sources;
    this.writer = writer;
    this.retry = retry;
    this.clock = clock;
  }

  /** The writer's question (see {@link TableWriter#onResync}): the new epoch and what to write first, or why to fence. */
  public Future<Republish> resync(ResyncAsk ask) {
    long stall = stalls.longestSince(ask.currentSinceNanos());
    if (rule.decide(ask, fenced.getAsBoolean(), stall) == ResyncRule.Decision.FENCE) {
      return Future.failedFuture(new EmberException(ErrorCode.FENCED, rule.whyFenced(ask, stall)));
    }
    long started = System.nanoTime();
    LOG.warning("Redis no longer knows node " + self + " at epoch " + ask.epoch() + " (" + ask.reason()
        + "): re-registering and re-publishing what it holds");
    Map<NodeId, Long> dead = sources.knownDead();
    return retry.until(clock.millis() + REGISTER_RETRY_MS, err -> !fenced.getAsBoolean(),
            () -> sources.register(ask.epoch(), dead).timeout(ATTEMPT_MS, TimeUnit.MILLISECONDS))
        .compose(epoch -> {
          if (epoch < 0) {
            return Future.failedFuture(new EmberException(ErrorCode.FENCED, "Redis lost this node's row at epoch "
                + ask.epoch() + ", and a peer has written back that it was declared dead"));
          }
          LOG.info("node " + self + " re-registered at epoch " + epoch + " after "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms; taking its actors' checkpoints");
          Republish r = new Republish(epoch, self);
          sources.fill(r);
          return sources.actors(r).map(v -> r);
        })
        .onSuccess(r -> writer.flush().onComplete(ar -> recorded(ask, r, started, ar.succeeded())));
  }

  /** The re-published rows are in Redis (the flush queued behind them completed): one ledger entry. */
  private void recorded(ResyncAsk ask, Republish r, long started, boolean flushed) {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    if (!flushed) return; // fenced or closed meanwhile: the writer said why
    writer.recovery(new LedgerEntry.GcsResynced(self, ask.epoch(), r.epoch(), r.objects(), r.tasks(), r.actors(), ms,
        clock.millis()));
    LOG.warning("node " + self + " resynced: epoch " + ask.epoch() + " -> " + r.epoch() + ", re-published " + r.objects()
        + " objects, " + r.tasks() + " pending tasks, " + r.actors() + " actors in " + ms + " ms");
  }
}
