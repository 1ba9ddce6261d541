package io.ember.api;

import java.time.Duration;

/** An actor about to be created: set options, then {@link #remote()}. */
public interface ActorCreation<A> {

  /** Adds a resource the actor's node must have (for example {@code "node:<name>"} to choose the node). */
  ActorCreation<A> resource(String name, double amount);

  /**
   * Creates the actor on the node named {@code nodeName} (its conf {@code node.name}) if it is
   * live; unlike {@code resource("node:<name>", 1)} this binds only the first placement: when
   * that node dies the actor is recreated on any node that has its resources.
   */
  ActorCreation<A> onNode(String nodeName);

  /**
   * Registers the actor cluster-wide under {@code name}, so that any driver or task can get a
   * handle with {@link Ember#getActor}. The name is held while the actor lives; creating another
   * actor with a held name fails with {@link EmberException} {@code ALREADY_EXISTS} (nothing is
   * created); a dead or killed actor's name is free. {@link #remote()} of a named actor waits
   * until it is created (except on an event loop, where it returns at once) and throws that failure.
   */
  ActorCreation<A> name(String name);

  /** How many times the actor may be recreated after its node dies (default: conf {@code actors.maxRestarts}; -1 = unlimited). */
  ActorCreation<A> maxRestarts(int n);

  /**
   * For a {@link Checkpointable} actor: checkpoint after every {@code calls} calls, or when
   * {@code interval} has passed since the last one (0 / {@code Duration.ZERO} = never by that rule).
   */
  ActorCreation<A> checkpointEvery(int calls, Duration interval);

  /** Creates the actor; returns at once with its handle (calls made before it is up wait for it). */
  ActorHandle<A> remote();
}
