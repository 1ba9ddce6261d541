package io.ember.monitor;

/**
 * This monitor's hold on the acting monitor's Redis lease, as an immutable value (after Pekko's
 * {@code ClusterHeartbeatSenderState}: the state apart from the thread that drives it, to
 * facilitate unit testing). {@code term} is the term it acts in (0 = it does not act),
 * {@code lastTerm} the last term it took over in, {@code renewedAt} when the last granted
 * request was sent (a grant proves the lease was held from the moment it was asked for, not
 * from when the answer arrived).
 *
 * <pre>
 *               acquired(t): a term it did not act in last (a takeover)
 *   IDLE ──────────────────────────────────────────────────────────▶ ACTING(t) ──┐
 *  term 0 ◀── lost(): Redis refused, or answered NOT_LEADER ──────── term t     │ renewed():
 *         ◀── lapsed(now): no renewal got through for a whole TTL ──            ◀┘ term t again
 *     └────── renewed(): its last term granted again after a lapse (no takeover) ──▶ ACTING(t)
 * </pre>
 *
 * A renewal is not a takeover: only {@link #acquired} starts the work of a new leader (finish
 * what a previous one left, give unheard nodes a start-up grace). The lease lasts
 * {@link #ttlMs}; a monitor that could not renew it for that long stops acting at once, since
 * the lease may have expired and another may hold it.
 */
public record LeaseState(long term, long lastTerm, long renewedAt) {
  public static final LeaseState IDLE = new LeaseState(0, 0, 0);

  /**
   * The lease's TTL: half a heartbeat timeout, so that a takeover completes within one timeout,
   * but at least three renewal intervals, so that one slow renewal does not lose it.
   */
  public static long ttlMs(long intervalMs, long timeoutMs) {
    return Math.max(3L * intervalMs, timeoutMs / 2);
  }

  public boolean acting() {
    return term > 0;
  }

  /** True if being granted {@code granted} would be a takeover (a term this monitor did not act in last). */
  public boolean takesOver(long granted) {
    return granted != lastTerm;
  }

  /** Redis granted the lease in {@code granted}, asked for at {@code askedAt}: {@link #acquired} or {@link #renewed}. */
  public LeaseState granted(long granted, long askedAt) {
    return takesOver(granted) ? acquired(granted, askedAt) : renewed(askedAt);
  }

  /** A new term: this monitor takes over. */
  public LeaseState acquired(long newTerm, long askedAt) {
    if (newTerm <= 0) throw new IllegalArgumentException("a term is positive, got " + newTerm);
    return new LeaseState(newTerm, newTerm, Math.max(renewedAt, askedAt));
  }

  /** The term it last took over in, granted again (it acts in it, again if it had lapsed). */
  public LeaseState renewed(long askedAt) {
    return new LeaseState(lastTerm, lastTerm, Math.max(renewedAt, askedAt));
  }

  /** Redis refused: another monitor holds the lease. */
  public LeaseState lost() {
    return new LeaseState(0, lastTerm, renewedAt);
  }

  /** True if it acts but no renewal got through for a whole TTL: the lease may have expired. */
  public boolean expired(long now, long ttlMs) {
    return acting() && now - renewedAt > ttlMs;
  }

  /** {@link #lost()} if {@link #expired}, else unchanged. */
  public LeaseState lapsed(long now, long ttlMs) {
    return expired(now, ttlMs) ? lost() : this;
  }
}
