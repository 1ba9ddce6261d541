package io.ember.gcs;

/**
 * A node incarnation's state in the node table ({@code ember:node:<id>} field {@code state}).
 *
 * <pre>
 *   (1) registered            (2) declared dead
 *   ──────────────▶ ALIVE ─────────────────────▶ DEAD
 *                     ▲                            │
 *                     └────────────────────────────┘
 *                       (3) registered again: a new epoch
 * </pre>
 *
 * (1) and (3) the register script of {@link NodeTable} (a fresh epoch from {@code ember:epoch});
 * (2) the declare-dead script of {@link NodeDeaths}, run by the monitor holding the lease. A
 * node's writes apply only while it is ALIVE at its own epoch (the fence of the write script),
 * so DEAD also fences the dead incarnation's writer.
 */
public enum NodeState {
  ALIVE, DEAD
}
