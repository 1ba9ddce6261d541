package io.ember.monitor;

import io.ember.protocol.ActorsPlaced;
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.ember.protocol.NodeDeath;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The one place where a node (or a driver) hears the acting monitor's verdicts
 * ({@link Addresses#NODE_DEAD}) and late actor placements ({@link Addresses#ACTORS_PLACED}):
 * each message is decoded once and handed to every {@link Listener} (the view and detectors
 * through the monitor, the actor host, the owner, the actor router), each on its own context,
 * in arrival order. One instance per Vert.x instance that hosts Ember components, listening
 * once.
 *
 * <p>Never: decides anything, blocks, or lets a malformed message reach a listener (it is
 * dropped, and counted in one rate-limited log line, by {@link Codecs#consumer}).
 */
public final class VerdictFanout {

  /** Reacts to verdicts; every reaction must be idempotent (the same verdict may come twice). */
  public interface Listener {
    void onNodeDead(NodeDeath verdict);

    /** Actors that had no live node were placed; most listeners only care about verdicts. */
    default void onActorsPlaced(ActorsPlaced placed) {}
  }

  private record Registered(Executor on, Listener listener) {}

  private final List<Registered> listeners = new CopyOnWriteArrayList<>();
  private MessageConsumer<Object> verdicts;
  private MessageConsumer<Object> placements;

  /** Adds a listener called on {@code context} (the listener's own verticle or client context). */
  public void add(Context context, Listener listener) {
    add(task -> context.runOnContext(v -> task.run()), listener);
  }

  /** Adds a listener called through {@code on} (tests pass {@code Runnable::run}). */
  public void add(Executor on, Listener listener) {
    listeners.add(new Registered(on, listener));
  }

  /** Starts the two consumers (once); completes when both are registered. */
  public Future<Void> listen(EventBus bus) {
    if (verdicts != null) return Future.succeededFuture();
    verdicts = bus.consumer(Addresses.NODE_DEAD, Codecs.consumer(Addresses.NODE_DEAD, NodeDeath.class, this::deliver));
    placements = bus.consumer(Addresses.ACTORS_PLACED, Codecs.consumer(Addresses.ACTORS_PLACED, ActorsPlaced.class, this::deliver));
    return Future.all(verdicts.completion(), placements.completion()).mapEmpty();
  }

  public Future<Void> close() {
    if (verdicts == null) return Future.succeededFuture();
    return Future.all(verdicts.unregister(), placements.unregister()).mapEmpty();
  }

  /** Hands a verdict to every listener. */
  public void deliver(NodeDeath verdict) {
    for (Registered r : listeners) r.on().execute(() -> r.listener().onNodeDead(verdict));
  }

  /** Hands late placements to every listener. */
  public void deliver(ActorsPlaced placed) {
    for (Registered r : listeners) r.on().execute(() -> r.listener().onActorsPlaced(placed));
  }
}
