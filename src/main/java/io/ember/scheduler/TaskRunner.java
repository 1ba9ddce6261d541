package io.ember.scheduler;

import io.ember.api.Current;
import io.ember.api.Ember;
import io.ember.api.EmberException;
import io.ember.api.ObjectLostException;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one task on a worker thread: decodes its arguments (already in the local store), calls
 * the user's function, stores the result, records the outcome and tells the owner. Never runs
 * on an event loop; never lets a user exception escape.
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
  private WorkerPool<TaskSpec> pool;

  /**
   * @param scopes the Ember a task's code sees (nested submissions descend from its id)
   * @param retry  takes a task to run again after its user code threw (when it asked for that)
   */
  TaskRunner(NodeId self, TableWriter writer, ObjectStore store, FunctionRegistry functions, Function<TaskId, Ember> scopes,
      EventBus bus, String transferHost, int transferPort, EmberConf.Objects objects, Consumer<TaskSpec> retry) {
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
  }

  void pool(WorkerPool<TaskSpec> pool) {
    this.pool = pool;
  }

  @Override
  public void accept(TaskSpec spec) {
    writer.taskState(spec.id(), TaskState.RUNNING, self, spec.attempt(), null);
    Buffer bytes;
    try {
      RemoteFunction fn = functions.lookup(spec.function());
      Object[] args = decodeArgs(spec);
      Object result;
      TaskContext.enter(pool);
      Current.setForThread(scopes.apply(spec.id()));
      try {
        result = fn.invoke(args);
      } finally {
        Current.setForThread(null);
        TaskContext.exit();
      }
      bytes = Values.encode(result);
      if (bytes.length() > maxObjectBytes) {
        throw new EmberException(ErrorCode.OBJECT_TOO_LARGE, spec.function() + " returned " + bytes.length()
            + " bytes; the maximum object size is " + maxObjectBytes + " (objects.maxObjectMb)");
      }
    } catch (EmberException e) {
      finishFailed(spec, TaskDone.Failure.of(spec.function(), e));
      return;
    } catch (Throwable userError) {
      if (spec.retryExceptions() && spec.attempt() < spec.maxRetries()) {
        retry.accept(spec.withAttempt(spec.attempt() + 1));
        return;
      }
      finishFailed(spec, TaskDone.Failure.ofUser(spec.function(), userError));
      return;
    }
    finishOk(spec, bytes);
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

  private void finishOk(TaskSpec spec, Buffer bytes) {
    ObjectId oid = spec.returnId();
    int size = bytes.length();
    store.put(oid, bytes).onComplete(ar -> {
      if (ar.failed()) {
        Throwable e = ar.cause();
        finishFailed(spec, e instanceof EmberException ee ? TaskDone.Failure.of(spec.function(), ee)
            : new TaskDone.Failure(ErrorCode.INTERNAL, spec.function(), e.getClass().getName(), e.getMessage(), null, null));
        return;
      }
      writer.objectCreated(oid, size, spec.id(), "task", self);
      writer.taskState(spec.id(), TaskState.FINISHED, self, spec.attempt(), null);
      Buffer inline = size <= inlineLimitBytes ? bytes : null;
      bus.send(Addresses.clientInbox(spec.owner()),
          TaskDone.ok(spec.id(), self, transferHost, transferPort, size, inline));
    });
  }

  void finishFailed(TaskSpec spec, TaskDone.Failure f) {
    // recorded field by field, so that whoever finds the task FAILED later reports the same failure
    writer.taskState(spec.id(), TaskState.FAILED, self, spec.attempt(), new TaskFailure(f.code(), f.type(), f.message(), f.subject()));
    bus.send(Addresses.clientInbox(spec.owner()), TaskDone.failed(spec.id(), self, f));
  }

}
