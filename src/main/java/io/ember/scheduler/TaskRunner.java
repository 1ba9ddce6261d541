package io.ember.scheduler;

import io.ember.api.Current;
import io.ember.api.EmberException;
import io.ember.client.TaskContext;
import io.ember.gcs.TaskState;
import io.ember.ids.ObjectId;
import io.ember.node.NodeRuntime;
import io.ember.protocol.Addresses;
import io.ember.protocol.ErrorCode;
import io.ember.protocol.TaskDone;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Runs one task on a worker thread: decodes its arguments (already in the local store), calls
 * the user's function, stores the result, records the outcome and tells the owner. Never runs
 * on an event loop; never lets a user exception escape.
 */
final class TaskRunner implements Consumer<TaskSpec> {

  private final NodeRuntime rt;
  private final Consumer<TaskSpec> retry;
  private WorkerPool<TaskSpec> pool;

  TaskRunner(NodeRuntime rt, Consumer<TaskSpec> retry) {
    this.rt = rt;
    this.retry = retry;
  }

  void pool(WorkerPool<TaskSpec> pool) {
    this.pool = pool;
  }

  @Override
  public void accept(TaskSpec spec) {
    rt.writer.taskState(spec.id(), TaskState.RUNNING, rt.nodeId, spec.attempt(), null);
    Buffer bytes;
    try {
      RemoteFunction fn = rt.functions.lookup(spec.function());
      Object[] args = decodeArgs(spec);
      Object result;
      TaskContext.enter(pool);
      Current.setForThread(rt.client.forTask(spec.id()));
      try {
        result = fn.invoke(args);
      } finally {
        Current.setForThread(null);
        TaskContext.exit();
      }
      bytes = Values.encode(result);
      if (bytes.length() > rt.conf.objects().maxObjectBytes()) {
        throw new EmberException(ErrorCode.OBJECT_TOO_LARGE, spec.function() + " returned " + bytes.length()
            + " bytes; the maximum object size is " + rt.conf.objects().maxObjectBytes() + " (objects.maxObjectMb)");
      }
    } catch (EmberException e) {
      finishFailed(spec, new TaskDone.Failure(e.code(), spec.function(), e.getClass().getName(), e.getMessage(), null));
      return;
    } catch (Throwable userError) {
      if (spec.retryExceptions() && spec.attempt() < spec.maxRetries()) {
        retry.accept(spec.withAttempt(spec.attempt() + 1));
        return;
      }
      finishFailed(spec, new TaskDone.Failure(ErrorCode.TASK_FAILED, spec.function(), userError.getClass().getName(),
          userError.getMessage(), TaskDone.Failure.stackOf(userError)));
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
    Buffer b = rt.store.getIfInMemory(id);
    if (b != null) return b;
    b = rt.store.get(id).toCompletionStage().toCompletableFuture().get();
    if (b == null) throw new EmberException(ErrorCode.OBJECT_LOST, "argument object " + id + " vanished from node " + rt.nodeId);
    return b;
  }

  private void finishOk(TaskSpec spec, Buffer bytes) {
    ObjectId oid = spec.returnId();
    int size = bytes.length();
    rt.store.put(oid, bytes).onComplete(ar -> {
      if (ar.failed()) {
        Throwable e = ar.cause();
        finishFailed(spec, new TaskDone.Failure(e instanceof EmberException ee ? ee.code() : ErrorCode.INTERNAL,
            spec.function(), e.getClass().getName(), e.getMessage(), null));
        return;
      }
      rt.writer.objectCreated(oid, size, spec.id(), "task", rt.nodeId);
      rt.writer.taskState(spec.id(), TaskState.FINISHED, rt.nodeId, spec.attempt(), null);
      Buffer inline = size <= rt.conf.objects().inlineLimitBytes() ? bytes : null;
      rt.vertx.eventBus().send(Addresses.clientInbox(spec.owner()),
          TaskDone.ok(spec.id(), rt.nodeId, rt.transferHost, rt.transferPort, size, inline));
    });
  }

  void finishFailed(TaskSpec spec, TaskDone.Failure f) {
    // the recorded error starts with its code, so that whoever finds the task FAILED later reports the same failure
    rt.writer.taskState(spec.id(), TaskState.FAILED, rt.nodeId, spec.attempt(), f.code() + " " + f.type() + ": " + f.message());
    rt.vertx.eventBus().send(Addresses.clientInbox(spec.owner()), TaskDone.failed(spec.id(), rt.nodeId, f));
  }

}
