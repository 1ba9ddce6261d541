package io.ember.monitor;

import io.ember.protocol.ActorsPlaced;
import io.ember.protocol.Addresses;
import io.ember.protocol.Codecs;
import io.ember.protocol.NodeDeath;
import io.vertx.core.Context;
import io.ember.gcs.NodeTable;
import io.ember.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * The one place where a node (or a driver) hears the acting monitor's verdicts
 * ({@link Addresses#NODE_DEAD}) and late actor placements ({@link Addresses#ACTORS_PLACED}):
 * each message is decoded once and handed to every {@link Listener} (the view and detectors
 * through the monitor, the actor host, the owner, the actor router), each on its own context,
 * in arrival order. One instance per Vert.x instance that hosts Ember components, listening
 * once.
 *
 * <p>A verdict is a claim, not a fact: it reaches the listeners only once the node table says
 * the node it names is DEAD or LEFT ({@link Check}); the acting monitor publishes it only after
 * Redis recorded it, so a genuine one always passes. One the table contradicts (a forged message,
 * or a stale one) is dropped with a log line: a node never halts, and no owner re-runs work, on
 * a message alone. While the table cannot be read, the verdict waits (retried every 0.5 s for up
 * to a minute). Verdicts pass on in arrival order.
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

  /** Whether the node table records {@code node} as DEAD or LEFT. */
  public interface Check {
    Future<Boolean> recordedDead(NodeId node);

    static Check of(NodeTable nodes) {
      return id -> nodes.get(id).map(r -> r != null && !r.alive());
    }
  }

  private static final Logger LOG = Logger.getLogger(VerdictFanout.class.getName());
  private static final long CHECK_RETRY_MS = 500;
  private static final int CHECK_TRIES = 120;

  private record Registered(Executor on, Listener listener) {}

  private final Check check;
  private final Vertx vertx;
  private final List<Registered> listeners = new CopyOnWriteArrayList<>();
  private Future<Void> checked = Future.succeededFuture(); // the chain that keeps verdicts in arrival order
  private MessageConsumer<Object> verdicts;
  private MessageConsumer<Object> placements;

  /** {@code check} is consulted for every verdict heard on the bus ({@link #deliver} itself trusts its caller). */
  public VerdictFanout(Vertx vertx, Check check) {
    this.vertx = vertx;
    this.check = check;
  }

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
    verdicts = bus.consumer(Addresses.NODE_DEAD, Codecs.consumer(Addresses.NODE_DEAD, NodeDeath.class, this::heard));
    placements = bus.consumer(Addresses.ACTORS_PLACED, Codecs.consumer(Addresses.ACTORS_PLACED, ActorsPlaced.class, this::deliver));
    return Future.all(verdicts.completion(), placements.completion()).mapEmpty();
  }

  public Future<Void> close() {
    if (verdicts == null) return Future.succeededFuture();
    return Future.all(verdicts.unregister(), placements.unregister()).mapEmpty();
  }

  /** A verdict from the bus: passed on once the node table confirms it, after those heard before it. */
  private void heard(NodeDeath verdict) {
    checked = checked.transform(ignored -> confirm(verdict, 1)).map(ok -> {
      if (ok) {
        deliver(verdict);
      } else {
        LOG.warning("ignored a verdict that node " + verdict.node() + " is dead (from " + verdict.by()
            + "): the node table does not say so (a forged or stale message)");
      }
      return null;
    });
  }

  private Future<Boolean> confirm(NodeDeath verdict, int attempt) {
    return check.recordedDead(verdict.node()).recover(err -> {
      if (attempt >= CHECK_TRIES) {
        LOG.warning("could not read node " + verdict.node() + "'s row to confirm its death for " + (CHECK_TRIES * CHECK_RETRY_MS / 1000)
            + " s (" + err.getMessage() + "); the verdict is dropped");
        return Future.succeededFuture(false);
      }
      return vertx.timer(CHECK_RETRY_MS).compose(t -> confirm(verdict, attempt + 1));
    });
  }

  /** Hands a (confirmed) verdict to every listener. */
  public void deliver(NodeDeath verdict) {
    for (Registered r : listeners) r.on().execute(() -> r.listener().onNodeDead(verdict));
  }

  /** Hands late placements to every listener. */
  public void deliver(ActorsPlaced placed) {
    for (Registered r : listeners) r.on().execute(() -> r.listener().onActorsPlaced(placed));
  }
}
