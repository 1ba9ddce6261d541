package io.ember.client;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.GetTimeoutException;
import io.ember.api.ObjectRef;
import io.ember.api.WaitResult;
import io.ember.ids.ObjectId;
import io.ember.scheduler.TaskContext;
import io.ember.serial.Values;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * Ray's {@code wait} and get-many over existing references, all on the client side: each object
 * is fetched as a {@code get} would fetch it ({@code bytes}: the object's bytes by a deadline), so
 * no message of their own is needed and every recovery a {@code get} gets applies. An object is
 * ready once its value or its failure is known; one whose fetch reached the deadline is not. The
 * future forms run on any thread (the JSON doors use them on event loops); the blocking forms
 * give a task's worker slot back while they wait, as {@code get} does.
 */
public final class Waits {
  private final Vertx vertx;
  private final BiFunction<ObjectId, Long, Future<Buffer>> bytes;

  Waits(Vertx vertx, BiFunction<ObjectId, Long, Future<Buffer>> bytes) {
    this.vertx = vertx;
    this.bytes = bytes;
  }

  /** The first {@code numReady} of {@code ids} to be ready (in the order given), once that many are or at the timeout. */
  public Future<List<ObjectId>> ready(List<ObjectId> ids, int numReady, long timeoutMs) {
    if (numReady < 0 || numReady > ids.size()) {
      return Future.failedFuture(new IllegalArgumentException("numReady must be 0.." + ids.size() + ", got " + numReady));
    }
    long deadline = System.currentTimeMillis() + timeoutMs;
    boolean[] ready = new boolean[ids.size()];
    int[] count = {0};
    Promise<List<ObjectId>> done = Promise.promise();
    Runnable finish = () -> {
      List<ObjectId> out = new ArrayList<>(numReady);
      synchronized (ready) {
        for (int i = 0; i < ready.length && out.size() < numReady; i++) if (ready[i]) out.add(ids.get(i));
      }
      done.tryComplete(out);
    };
    if (numReady == 0) {
      finish.run();
      return done.future();
    }
    long timer = vertx.setTimer(Math.max(1, timeoutMs), t -> finish.run());
    for (int i = 0; i < ids.size(); i++) {
      int at = i;
      ObjectId id = ids.get(i);
      bytes.apply(id, deadline).onComplete(ar -> {
        if (ar.failed() && ar.cause() instanceof GetTimeoutException g && id.toString().equals(g.objectId())) return; // not ready in time
        boolean enough;
        synchronized (ready) {
          ready[at] = true;
          enough = ++count[0] == numReady;
        }
        if (enough) {
          vertx.cancelTimer(timer);
          finish.run();
        }
      });
    }
    return done.future();
  }

  /** The bytes of every one of {@code ids}, in order; fails as soon as one fails, with its failure. */
  Future<List<Buffer>> all(List<ObjectId> ids, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    List<Future<Buffer>> fs = new ArrayList<>(ids.size());
    for (ObjectId id : ids) fs.add(bytes.apply(id, deadline));
    return Future.all(fs).map(v -> {
      List<Buffer> out = new ArrayList<>(fs.size());
      for (Future<Buffer> f : fs) out.add(f.result());
      return out;
    });
  }

  /** The decoded values of {@code ids}, in order (decoded on a worker thread); fails as soon as one fails, with its failure. */
  public Future<List<Object>> values(List<ObjectId> ids, long timeoutMs) {
    return all(ids, timeoutMs).compose(all -> vertx.executeBlocking(() -> {
      List<Object> out = new ArrayList<>(all.size());
      for (Buffer b : all) out.add(Values.decode(b));
      return out;
    }, false));
  }

  /** {@link #ready}, blocking: the references themselves, split into ready and not ready. */
  <T> WaitResult<T> await(List<? extends ObjectRef<T>> refs, int numReady, Duration timeout) {
    if (numReady < 0 || numReady > refs.size()) throw new IllegalArgumentException("numReady must be 0.." + refs.size() + ", got " + numReady);
    List<ObjectId> ids = idsOf(refs);
    List<ObjectId> ready = block(ready(ids, numReady, timeout.toMillis()), timeout, "wait for " + numReady + " of " + ids.size() + " objects");
    List<ObjectRef<T>> yes = new ArrayList<>();
    List<ObjectRef<T>> no = new ArrayList<>();
    List<ObjectId> left = new ArrayList<>(ready);
    for (int i = 0; i < refs.size(); i++) {
      if (left.remove(ids.get(i))) yes.add(refs.get(i));
      else no.add(refs.get(i));
    }
    return new WaitResult<>(yes, no);
  }

  /** {@link #all}, blocking, decoded here. */
  @SuppressWarnings("unchecked")
  <T> List<T> getAll(List<? extends ObjectRef<T>> refs, Duration timeout) {
    List<Buffer> all = block(all(idsOf(refs), timeout.toMillis()), timeout, "get " + refs.size() + " objects");
    List<T> out = new ArrayList<>(all.size());
    for (Buffer b : all) out.add((T) Values.decode(b));
    return out;
  }

  private static List<ObjectId> idsOf(List<? extends ObjectRef<?>> refs) {
    List<ObjectId> ids = new ArrayList<>(refs.size());
    for (ObjectRef<?> r : refs) ids.add(r instanceof ObjectRefImpl<?> impl ? impl.id : ObjectId.parse(r.id()));
    return ids;
  }

  /** Waits for {@code f} on this thread (never an event loop), a little past {@code timeout}: {@code f} ends by it itself. */
  static <T> T block(Future<T> f, Duration timeout, String what) {
    if (Context.isOnEventLoopThread()) throw new IllegalStateException(what + " would block an event loop; use the future forms there");
    boolean released = TaskContext.blockBegin();
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new EmberException(ErrorCode.TIMEOUT, what + ": no outcome within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new EmberException(ErrorCode.INTERNAL, what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmberException(ErrorCode.INTERNAL, "interrupted: " + what);
    } finally {
      if (released) TaskContext.blockEnd();
    }
  }
}
