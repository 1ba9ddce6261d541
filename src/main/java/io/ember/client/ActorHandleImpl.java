package io.ember.client;

import io.ember.api.ActorCall;
import io.ember.api.ActorHandle;
import io.ember.api.Current;
import io.ember.api.Ember;
import io.ember.ids.ActorId;
import java.io.Serializable;

/**
 * An {@link ActorHandle}: the actor's id, and the Ember that made it. Serialisable: a handle
 * passed to a task or another actor arrives without its Ember, and calls through whatever
 * Ember the calling thread has, so a call made inside a task is that task's call (its
 * deterministic id and seq survive the task's re-execution).
 */
final class ActorHandleImpl<A> implements ActorHandle<A>, Serializable {
  private static final long serialVersionUID = 1L;

  private final String actorId; // the string form: a handle is serialised into tasks and actor state
  private transient ActorId actor;
  private transient Ember bound;

  ActorHandleImpl(ActorId actor, Ember bound) {
    this.actorId = actor.toString();
    this.actor = actor;
    this.bound = bound;
  }

  @Override
  public String id() {
    return actorId;
  }

  @Override
  public <R> ActorCall<R> call(Serializable method, Object... args) {
    String name = Lambdas.instanceMethodName(method);
    return callByName(name, args);
  }

  @Override
  public void kill() {
    ActorAdmin admin = caller().admin();
    ActorAdmin.await(admin.kill(actor()), admin.timeoutMs(), "kill of actor " + actorId);
  }

  @Override
  public <R> ActorCall<R> callByName(String method, Object... args) {
    Object[] a = args == null ? new Object[] {null} : args;
    return () -> caller().callActor(actor(), method, a);
  }

  private ActorId actor() {
    if (actor == null) actor = ActorId.parse(actorId);
    return actor;
  }

  private ActorCaller caller() {
    Ember e = Current.forThread();
    if (e == null) e = bound;
    if (e == null) e = Current.get();
    if (e instanceof ActorCaller c) return c;
    throw new IllegalStateException("actor " + actorId + ": no Ember client in this thread or process to call it through");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActorHandleImpl<?> h && h.actorId.equals(actorId);
  }

  @Override
  public int hashCode() {
    return actorId.hashCode();
  }

  @Override
  public String toString() {
    return "ActorHandle(" + actorId + ")";
  }
}
