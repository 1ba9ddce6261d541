package io.ember.gcs;

/**
 * A node incarnation's state in the node table ({@code ember:node:<id>} field {@code state}).
 *
 * <pre>
 *   (1) registered            (2) declared dead
 *   ──────────────▶ ALIVE ─────────────────────▶ DEAD
 *                   │  ▲                            │
 *                   │  └────────────────────────────┤
 *                   │   (3) registered again:       │
 *                   │       a new epoch             │
 *                   │  (4) stopped (SIGTERM)        │
 *                   └───────────────────────▶ LEFT ─┘
 * </pre>
 *
 * (1) and (3) the register script of {@link NodeTable} (a fresh epoch from {@code ember:epoch});
 * (2) the declare-dead script of {@link NodeDeaths}, run by the monitor holding the lease;
 * (4) the same script run by the node itself as it stops ({@link NodeDeaths#leave}): the same
 * cleanup (tasks LOST, copies dropped, actors moved) with no detection delay, reason
 * {@code stopped}. A LEFT node declared dead later stays LEFT. A node's writes apply only while
 * it is ALIVE at its own epoch (the fence of the write script), so DEAD and LEFT also fence the
 * incarnation's writer.
 */
public enum NodeState {
  ALIVE, DEAD, LEFT
}
