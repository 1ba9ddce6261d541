package io.ember.client;

import io.ember.api.ActorCreation;
import io.ember.api.ActorHandle;
import io.ember.api.Ember;
import io.ember.api.ObjectRef;
import io.ember.api.TaskCall;
import io.ember.ids.ActorId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;

/** The Ember a running task or actor call sees: its client's, with ids that descend from the task's. */
final class ScopedEmber implements Ember, ActorCaller {
  private final EmberClient client;
  private final IdSource source;

  ScopedEmber(EmberClient client, IdSource source) {
    this.client = client;
    this.source = source;
  }

  @Override
  public <A> ActorCreation<A> createActor(Serializable ctor, Object... args) {
    return new ActorCreationImpl<>(client, source, Lambdas.constructorClass(ctor), args);
  }

  @Override
  public <A> ActorCreation<A> actorByName(String className, Object... args) {
    return new ActorCreationImpl<>(client, source, className, args);
  }

  @Override
  public <A> ActorHandle<A> actorHandle(String actorId) {
    return new ActorHandleImpl<>(ActorId.parse(actorId), this);
  }

  @Override
  public <R> ObjectRef<R> callActor(ActorId actor, String method, Object[] args) {
    return client.callActor(source, actor, method, args);
  }

  @Override
  public <T> ObjectRef<T> put(T value) {
    return client.put(source, value);
  }

  @Override
  public Future<JsonObject> status() {
    return client.status();
  }

  @Override
  public <R> TaskCall<R> taskByName(String function, Object... args) {
    return new TaskCallImpl<>(client, source, function, args);
  }

  @Override
  public <R> TaskCall<R> call(Serializable f, Object... args) {
    return new TaskCallImpl<>(client, source, Lambdas.functionName(f), args);
  }
}
