package io.ember.owner;

import io.ember.api.EmberException;
import io.ember.ids.ActorId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorCallSpec;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One actor as this client knows it: where it runs (node and incarnation), its route state, and
 * every call made to it that has no final answer yet. {@link ActorCalls} moves it from state to
 * state (the diagram is there); this class only holds the facts.
 */
final class ActorRoute {
  /** Where the client is with an actor; see {@link ActorCalls} for the transitions. */
  enum State {
    /** Known only by id: no creation sent, no lookup made. */
    NEW,
    /** This client asked a node to create it and has no answer yet: calls wait. */
    CREATING,
    /** Being looked up in the actor table: calls wait. */
    RESOLVING,
    /** Served by {@code node} at {@code incarnation}: calls are sent there. */
    READY,
    /** It will not serve again: every pending and later call fails with {@code dead}. Final. */
    DEAD;

    boolean canMoveTo(State to) {
      return switch (this) {
        case NEW -> to != NEW;
        case CREATING -> to == READY || to == RESOLVING || to == DEAD;
        case RESOLVING -> to != CREATING;
        case READY -> to == READY || to == RESOLVING || to == DEAD;
        case DEAD -> false;
      };
    }
  }

  final ActorId id;
  private volatile State state = State.NEW;
  volatile NodeId node;
  volatile long incarnation;
  /** Why it is dead, set before the move to DEAD. */
  volatile EmberException dead;
  final Promise<NodeId> created = Promise.promise();
  final Map<TaskId, ActorCallSpec> unacked = new ConcurrentHashMap<>();
  /** One table lookup loop at a time (it may outlive a move to READY by a verdict). */
  final AtomicBoolean lookingUp = new AtomicBoolean();
  /** Whether the last table lookup found a row (a lookup that times out without one fails its calls with UNKNOWN_ACTOR). */
  volatile boolean rowSeen;
  /** When a call of this actor last got its answer, or was last sent (nanoseconds of the route's clock). */
  volatile long progressAt;

  ActorRoute(ActorId id, long now) {
    this.id = id;
    this.progressAt = now;
  }

  State state() {
    return state;
  }

  /** Moves to {@code to} if the diagram allows it; returns whether it did. Only {@link ActorCalls#moveTo} calls it. */
  synchronized boolean move(State to) {
    if (!state.canMoveTo(to)) return false;
    state = to;
    return true;
  }
}
