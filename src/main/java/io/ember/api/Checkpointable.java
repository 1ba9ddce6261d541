package io.ember.api;

/**
 * Opt-in for actor classes whose state can be saved: Ember calls {@link #saveCheckpoint()}
 * between calls, every N calls or T seconds (conf {@code actors.checkpointEveryCalls} /
 * {@code actors.checkpointEveryMs}, or the per-actor option), and stores the value where the
 * loss of the actor's node does not lose it. When the actor is recreated, Ember constructs it
 * with its original arguments, calls {@link #restoreCheckpoint(Object)} with the newest
 * checkpoint, and replays only the calls made after it; the method log before the older
 * checkpoints kept is then trimmed.
 *
 * <p>The saved value must be serialisable (see {@code ObjectRef}'s value rules) and must not
 * share mutable objects with the live actor: Ember encodes it at once, on the actor's thread.
 */
public interface Checkpointable {

  /** A snapshot of the actor's whole state. */
  Object saveCheckpoint();

  /** Sets the state from a snapshot that {@link #saveCheckpoint()} returned. */
  void restoreCheckpoint(Object checkpoint);
}
