package io.ember.client;

import io.ember.api.ObjectRef;
import io.ember.ids.ActorId;

/** What an actor handle calls through: the Ember of the thread (a driver's, a task's, an actor call's). */
interface ActorCaller {
  <R> ObjectRef<R> callActor(ActorId actor, String method, Object[] args);
}
