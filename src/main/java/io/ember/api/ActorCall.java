package io.ember.api;

/** An actor method call about to be sent: {@link #remote()} sends it. */
public interface ActorCall<R> {

  /** Sends the call; returns at once with the reference to its result. */
  ObjectRef<R> remote();
}
