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
 * what a previous one left, give unheard nodes a start-up grace).
 *
 * <p>The timing rule. Measured with {@code LeaseUnderLoadBench} (2 cores, every event loop,
 * the writer and the pooled client saturated, 60 s): renewals that waited for the event loops
 * let a 0.6 s lease expire (lost 3 times, a challenger held it most of the run); on their own
 * threads and connection the worst gap between two renewals was 0.11–0.14 s and no lease was
 * lost. The TTL below leaves a margin of more than ten times that:
 * <ol>
 *   <li>The holder renews every heartbeat interval; the lease lives {@link #ttlMs} in Redis:
 *       one heartbeat timeout, at least six intervals.</li>
 *   <li>A challenger takes only an EXPIRED lease ({@code monitor-acquire.lua} sets it only when
 *       the key is gone): a leader loses it only after a whole TTL with no renewal landing,
 *       the same silence after which a node is declared dead.</li>
 *   <li>A renewal that lands late but before expiry keeps the holder's term: no takeover, no
 *       {@code leader} ledger entry ({@link #renewed}).</li>
 *   <li>The holder acts while its last granted request was asked less than a TTL ago (the key
 *       outlives that), and stops at once when Redis refuses it ({@link #lost}).</li>
 * </ol>
 */
public record LeaseState(long term, long lastTerm, long renewedAt) {
  public static final LeaseState IDLE = new LeaseState(0, 0, 0);

  /** The lease's TTL: one heartbeat timeout, but at least six renewal intervals. */
  public static long ttlMs(long intervalMs, long timeoutMs) {
    return Math.max(6L * intervalMs, timeoutMs);
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
