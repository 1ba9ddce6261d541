package io.ember.scheduler;

import io.ember.api.Current;
import io.ember.api.Ember;
import io.ember.api.EmberException;
import io.ember.api.ObjectLostException;
import io.ember.api.TaskCancelledException;
import io.ember.gcs.TaskState;
import io.ember.conf.EmberConf;
import io.ember.gcs.TableWriter;
import io.ember.gcs.TaskFailure;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.object.ObjectStore;
import io.ember.protocol.Addresses;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import io.ember.metrics.EmberMetrics;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one task on a worker thread: decodes its arguments (already in the local store), calls
 * the user's function, stores its result (or each of its {@code numReturns} results), records the
 * outcome and tells the owner. A task cancelled before it starts is not run; one cancelled while it
 * runs is interrupted and reported CANCELLED whatever it returns or throws, never retried. Never
 * runs on an event loop; never lets a user exception escape.
 */
final class TaskRunner implements Consumer<TaskSpec> {

  private final NodeId self;
  private final TableWriter writer;
  private final ObjectStore store;
  private final FunctionRegistry functions;
  private final Function<TaskId, Ember> scopes;
  private final EventBus bus;
  private final String transferHost;
  private final int transferPort;
  private final long maxObjectBytes;
  private final int inlineLimitBytes;
  private final Consumer<TaskSpec> retry;
  private final Cancels cancels;
  private WorkerPool<TaskSpec> pool;

  /**
   * @param scopes the Ember a task's code sees (nested submissions descend from its id)
   * @param retry  takes a task to run again after its user code threw (when it asked for that)
   */
  TaskRunner(NodeId self, TableWriter writer, ObjectStore store, FunctionRegistry functions, Function<TaskId, Ember> scopes,
      EventBus bus, String transferHost, int transferPort, EmberConf.Objects objects, Consumer<TaskSpec> retry, Cancels cancels) {
    this.self = self;
    this.writer = writer;
    this.store = store;
    this.functions = functions;
    this.scopes = scopes;
    this.bus = bus;
    this.transferHost = transferHost;
    this.transferPort = transferPort;
    this.maxObjectBytes = objects.maxObjectBytes();
    this.inlineLimitBytes = objects.inlineLimitBytes();
    this.retry = retry;
    this.cancels = cancels;
  }

  void pool(WorkerPool<TaskSpec> pool) {
    this.pool = pool;
    EmberMetrics.gauge("ember.scheduler.queued", "tasks ready to run, waiting for a free slot", pool, WorkerPool::queued);
    EmberMetrics.gauge("ember.scheduler.running", "tasks computing now", pool, WorkerPool::busy);
  }

  @Override
  public void accept(TaskSpec spec) {
    if (cancels.cancelled(spec)) {
      finishCancelled(spec);
      return;
    }
    writer.taskState(spec.id(), TaskState.RUNNING, self, spec.attempt(), null);
    List<Buffer> values = null;
    Throwable error = null;
    try {
      values = run(spec);
    } catch (Throwable t) {
      error = t;
    }
    if (cancels.cancelled(spec)) {
      finishCancelled(spec); // whatever the function did once interrupted: its result is discarded, it is never retried
    } else if (error == null) {
      finishOk(spec, values);
    } else if (error instanceof EmberException e) {
      finishFailed(spec, TaskDone.Failure.of(spec.function(), e));
    } else if (spec.retryExceptions() && spec.attempt() < spec.maxRetries()) {
      retry.accept(spec.withAttempt(spec.attempt() + 1));
    } else {
      finishFailed(spec, TaskDone.Failure.ofUser(spec.function(), error));
    }
  }

  /** Calls the function (interruptible by a cancel while it runs) and encodes its return values. */
  private List<Buffer> run(TaskSpec spec) throws Throwable {
    RemoteFunction fn = functions.lookup(spec.function());
    Object[] args = decodeArgs(spec);
    Object result;
    TaskContext.enter(pool);
    Current.setForThread(scopes.apply(spec.id()));
    cancels.started(spec);
    try {
      result = fn.invoke(args);
    } finally {
      cancels.ended(spec.id());
      Current.setForThread(null);
      TaskContext.exit();
    }
    return Returns.encode(spec, result, maxObjectBytes);
  }

  private Object[] decodeArgs(TaskSpec spec) throws Exception {
    Object[] out = new Object[spec.args().size()];
    for (int i = 0; i < out.length; i++) {
      TaskSpec.Arg a = spec.args().get(i);
      out[i] = Values.decode(a.isRef() ? localBytes(a.ref()) : a.value());
    }
    return out;
  }

  private Buffer localBytes(ObjectId id) throws Exception {
    Buffer b = store.getIfInMemory(id);
    if (b != null) return b;
    b = store.get(id).toCompletionStage().toCompletableFuture().get();
    if (b == null) throw new ObjectLostException(id.toString(), "an argument, it vanished from node " + self);
    return b;
  }

  /** Stores every return value, records them and the task FINISHED, then tells the owner (one value inline when small). */
  private void finishOk(TaskSpec spec, List<Buffer> values) {
    List<Future<Void>> stored = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) stored.add(store.put(ObjectId.of(spec.id(), i + 1), values.get(i)));
    Future.all(stored).onComplete(ar -> {
      if (ar.failed()) {
        Throwable e = ar.cause();
        finishFailed(spec, e instanceof EmberException ee ? TaskDone.Failure.of(spec.function(), ee)
            : new TaskDone.Failure(ErrorCode.INTERNAL, spec.function(), e.getClass().getName(), e.getMessage(), null, null));
        return;
      }
      long size = 0;
      for (int i = 0; i < values.size(); i++) {
        writer.objectCreated(ObjectId.of(spec.id(), i + 1), values.get(i).length(), spec.id(), "task", self);
        size += values.get(i).length();
      }
      writer.taskState(spec.id(), TaskState.FINISHED, self, spec.attempt(), null);
      Buffer inline = values.size() == 1 && size <= inlineLimitBytes ? values.get(0) : null; // several: each is fetched by its id
      bus.send(Addresses.clientInbox(spec.owner()), TaskDone.ok(spec.id(), self, transferHost, transferPort, size, inline));
    });
  }

  /** The task's owner cancelled it: recorded FAILED with code CANCELLED (so no claim re-runs it), and the owner told. */
  void finishCancelled(TaskSpec spec) {
    finishFailed(spec, TaskDone.Failure.of(spec.function(), new TaskCancelledException(spec.id().toString(), "cancelled by its owner "
        + spec.owner() + " (" + spec.function() + ")")));
  }

  void finishFailed(TaskSpec spec, TaskDone.Failure f) {
    // recorded field by field, so that whoever finds the task FAILED later reports the same failure
    writer.taskState(spec.id(), TaskState.FAILED, self, spec.attempt(), new TaskFailure(f.code(), f.type(), f.message(), f.subject()));
    bus.send(Addresses.clientInbox(spec.owner()), TaskDone.failed(spec.id(), self, f));
  }

}
