package io.ember.client;

import io.ember.actor.ActorJsonDoor;
import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.gcs.ActorState;
import io.ember.gcs.ActorTable;
import io.ember.ids.ActorId;
import io.ember.ids.NodeId;
import io.ember.owner.ActorCalls;
import io.ember.protocol.Addresses;
import io.ember.scheduler.TaskContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * A client's kills and name lookups of actors. A kill runs the kill script (the row goes DEAD
 * "killed", out of every set that would recreate it; its log, checkpoints and name are deleted),
 * then fails this client's pending calls of it and asks its node to stop the instance (other
 * clients' calls are then told to look again and find it DEAD). Any holder of a handle may kill
 * the actor: its id is the capability, as for calls. Never runs an actor.
 */
public final class ActorAdmin implements ActorJsonDoor.Admin {
  private static final Logger LOG = Logger.getLogger(ActorAdmin.class.getName());

  private final Vertx vertx;
  private final ActorTable table;
  private final ActorCalls calls;
  private final long timeoutMs;
  private final Clock clock;

  ActorAdmin(Vertx vertx, ActorTable table, ActorCalls calls, long timeoutMs, Clock clock) {
    this.vertx = vertx;
    this.table = table;
    this.calls = calls;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
  }

  long timeoutMs() {
    return timeoutMs;
  }

  /** Kills {@code actor}: true if this kill ended it, false if it was dead already; UNKNOWN_ACTOR if it has no row. */
  @Override
  public Future<Boolean> kill(ActorId actor) {
    ActorDiedException why = new ActorDiedException(actor.toString(), ActorDiedException.KILLED);
    return calls.kill(actor, () -> table.kill(actor, ActorDiedException.KILLED, clock.millis()).compose(k -> {
      if (k == null) return Future.failedFuture(new EmberException(ErrorCode.UNKNOWN_ACTOR, "no actor " + actor + " exists"));
      if (!k.node().isEmpty()) stopInstance(actor, k.node());
      return Future.succeededFuture(k.before() != ActorState.DEAD);
    }), why);
  }

  /** Asks the node that hosted it to stop the instance at once; if it does not hear, the instance stops at its next log write. */
  private void stopInstance(ActorId actor, String node) {
    DeliveryOptions o = new DeliveryOptions().addHeader("op", "kill").setSendTimeout(timeoutMs);
    vertx.eventBus().request(Addresses.actorsOf(new NodeId(node)), new JsonObject().put("actorId", actor.toString()), o)
        .onFailure(err -> LOG.fine("actor " + actor + " killed; node " + node + " did not confirm stopping it: " + err.getMessage()));
  }

  /** The live actor named {@code name}, checked to be of class {@code className} (null = any); UNKNOWN_ACTOR if none. */
  @Override
  public Future<ActorId> named(String name, String className) {
    return table.named(name).compose(id -> {
      if (id == null) return Future.failedFuture(new EmberException(ErrorCode.UNKNOWN_ACTOR, "no live actor is named '" + name + "'"));
      return className == null ? Future.succeededFuture(id) : table.row(id).compose(row -> row != null
          && !row.className().equals(className) ? Future.failedFuture(new EmberException(ErrorCode.ARGUMENT_MISMATCH,
              "actor '" + name + "' is a " + row.className() + ", not a " + className)) : Future.succeededFuture(id));
    });
  }

  /** Waits for {@code f} on a thread that may block (never an event loop), throwing its typed failure. */
  static <T> T await(Future<T> f, long timeoutMs, String what) {
    if (Context.isOnEventLoopThread()) throw new IllegalStateException(what + " would block an event loop");
    boolean released = TaskContext.blockBegin();
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new EmberException(ErrorCode.TIMEOUT, what + ": no answer within " + timeoutMs + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new EmberException(ErrorCode.INTERNAL, what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmberException(ErrorCode.INTERNAL, "interrupted during " + what);
    } finally {
      if (released) TaskContext.blockEnd();
    }
  }
}
