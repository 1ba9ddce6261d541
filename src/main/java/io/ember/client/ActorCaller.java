package io.ember.client;

import io.ember.api.ActorCreation;
import io.ember.api.ActorHandle;
import io.ember.api.Ember;
import io.ember.api.ObjectRef;
import io.ember.ids.ActorId;
import java.io.Serializable;

/** What an actor handle calls through: the Ember of the thread (a driver's, a task's, an actor call's). */
interface ActorCaller extends Ember {
  <R> ObjectRef<R> callActor(ActorId actor, String method, Object[] args);

  /** Kills and name lookups of actors, through this caller's client. */
  ActorAdmin admin();

  @Override
  default <A> ActorCreation<A> createActor(Serializable ctor, Object... args) {
    return actorByName(Lambdas.constructorClass(ctor), args);
  }

  @Override
  default <A> ActorHandle<A> actorHandle(String actorId) {
    return new ActorHandleImpl<>(ActorId.parse(actorId), this);
  }

  @Override
  default <A> ActorHandle<A> getActor(String name, Class<A> type) {
    ActorId id = ActorAdmin.await(admin().named(name, type.getName()), admin().timeoutMs(), "getActor(\"" + name + "\")");
    return new ActorHandleImpl<>(id, this);
  }
}
