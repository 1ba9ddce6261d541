package io.ember.client;

import io.ember.api.ObjectRef;
import io.ember.api.TaskCall;
import io.ember.api.TaskOptions;
import java.util.List;
import java.util.function.Consumer;

/** A task call being built: its options, then {@link #remote()} submits it through the client. */
final class TaskCallImpl<R> implements TaskCall<R> {
  private final EmberClient client;
  private final IdSource source;
  private final String function;
  private final Object[] args;
  private final TaskOptions options = new TaskOptions();

  TaskCallImpl(EmberClient client, IdSource source, String function, Object[] args) {
    this.client = client;
    this.source = source;
    this.function = function;
    this.args = args == null ? new Object[] {null} : args;
  }

  @Override
  public TaskCall<R> resource(String name, double amount) {
    options.resource(name, amount);
    return this;
  }

  @Override
  public TaskCall<R> maxRetries(int n) {
    options.maxRetries(n);
    return this;
  }

  @Override
  public TaskCall<R> retryExceptions(boolean retry) {
    options.retryExceptions(retry);
    return this;
  }

  @Override
  public TaskCall<R> options(Consumer<TaskOptions> edit) {
    edit.accept(options);
    return this;
  }

  @Override
  public TaskCall<R> numReturns(int n) {
    options.numReturns(n);
    return this;
  }

  @Override
  public ObjectRef<R> remote() {
    if (options.numReturns() != 1) {
      throw new IllegalStateException(function + ": a task with numReturns " + options.numReturns() + " is submitted with remoteMany()");
    }
    return client.<R>submit(source, function, args, options).get(0);
  }

  @Override
  public <T> List<ObjectRef<T>> remoteMany() {
    return client.submit(source, function, args, options);
  }
}
