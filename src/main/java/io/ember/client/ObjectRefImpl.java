package io.ember.client;

import io.ember.api.EmberException;
import io.ember.api.GetTimeoutException;
import io.ember.api.ObjectRef;
import io.ember.ids.ObjectId;
import io.ember.scheduler.TaskContext;
import io.ember.api.ErrorCode;
import io.ember.serial.Values;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** An {@link ObjectRef} bound to the client that resolves it. */
final class ObjectRefImpl<T> implements ObjectRef<T> {
  final ObjectId id;
  private final EmberClient client;

  ObjectRefImpl(ObjectId id, EmberClient client) {
    this.id = id;
    this.client = client;
  }

  @Override
  public String id() {
    return id.toString();
  }

  @Override
  public T get() {
    return get(Duration.ofMillis(client.defaultTimeoutMs()));
  }

  @Override
  @SuppressWarnings("unchecked")
  public T get(Duration timeout) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("ObjectRef.get() would block an event loop; use toFuture() there");
    }
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    Future<Buffer> f = client.bytesOf(id, deadline);
    boolean released = TaskContext.blockBegin();
    try {
      return (T) Values.decode(f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      throw new GetTimeoutException(id(), timeout, null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new EmberException(ErrorCode.INTERNAL, "get " + id + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmberException(ErrorCode.INTERNAL, "interrupted while waiting for " + id);
    } finally {
      if (released) TaskContext.blockEnd();
    }
  }

  @Override
  public Future<T> toFuture() {
    return fetch(System.currentTimeMillis() + client.defaultTimeoutMs());
  }

  private Future<T> fetch(long deadline) {
    return client.bytesOf(id, deadline).compose(client::decoded);
  }

  @Override
  public String toString() {
    return "ObjectRef(" + id + ")";
  }
}
