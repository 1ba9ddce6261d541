package io.ember.gcs;

/**
 * An actor's state in the actor table ({@code ember:actor:<id>} field {@code state}).
 *
 * <pre>
 *            (1) created                      (3) replay done
 *   ───────────────────────▶ ALIVE ◀──────────────────────────── RESTARTING
 *                              │  (2) its node declared dead,        ▲  │
 *                              │      budget left: new incarnation   │  │ (4) its new node died too
 *                              └─────────────────────────────────────┘  └──▶ (another node, +1 incarnation)
 *   (5) constructor threw / (6) node died with the restart budget spent / (7) replay failed
 *       ──────────────────────────────────────────────────────────────▶ DEAD (final)
 *   (8) killed ({@code ActorHandle.kill()}), from ALIVE or RESTARTING ───▶ DEAD, error "killed"
 * </pre>
 *
 * (1) the write script's N op ({@code table-writer.lua}, sent by {@link TableWriter#actorCreated}),
 * by the hosting node once the constructor returned; (2) and (4) the declare-dead script
 * ({@code node-declare-dead.lua}, {@link NodeDeaths#declareDead}), which also picks the new
 * node, or leaves the node empty and the actor in {@code ember:actors:unplaced} until
 * {@link NodeDeaths#placeUnplacedActors} finds one; (3) the R op ({@link TableWriter#actorRestored})
 * of the new host's incarnation once it replayed the log; (5) the N op with state DEAD; (6) the
 * declare-dead script; (7) the D op ({@link TableWriter#actorDied}); (8) the kill script
 * ({@code actor-kill.lua}, {@link ActorTable#kill}), which also takes it out of every set that
 * would recreate it and deletes its log and checkpoints. Every transition is one
 * atomic Lua step, checked against the actor's node and incarnation so that a stale incarnation
 * cannot move it.
 */
public enum ActorState {
  ALIVE, RESTARTING, DEAD
}
