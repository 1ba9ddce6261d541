package io.ember.client;

import io.ember.api.ActorCreation;
import io.ember.api.ActorHandle;
import io.ember.api.ObjectRef;
import io.ember.api.TaskCall;
import io.ember.api.WaitResult;
import io.ember.ids.ActorId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/** The Ember a running task or actor call sees: its client's, with ids that descend from the task's. */
final class ScopedEmber implements ActorCaller {
  private final EmberClient client;
  private final IdSource source;

  ScopedEmber(EmberClient client, IdSource source) {
    this.client = client;
    this.source = source;
  }

  @Override
  public <A> ActorCreation<A> actorByName(String className, Object... args) {
    return new ActorCreationImpl<>(client, source, className, args);
  }

  @Override
  public ActorAdmin admin() {
    return client.admin();
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
  public <T> WaitResult<T> wait(List<? extends ObjectRef<T>> refs, int numReady, Duration timeout) {
    return client.wait(refs, numReady, timeout);
  }

  @Override
  public <T> List<T> getAll(List<? extends ObjectRef<T>> refs, Duration timeout) {
    return client.getAll(refs, timeout);
  }

  @Override
  public boolean cancel(ObjectRef<?> ref) {
    return client.cancel(ref);
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
