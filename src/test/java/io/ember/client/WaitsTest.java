package io.ember.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.api.GetTimeoutException;
import io.ember.api.TaskCancelledException;
import io.ember.ids.JobId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.serial.Values;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Wait for k of n and get-many over fetches the test completes by hand; a fetch the test leaves alone ends at its deadline. */
@Timeout(20)
class WaitsTest {
  private final Vertx vertx = Vertx.vertx();
  private final Map<ObjectId, Promise<Buffer>> fetches = new ConcurrentHashMap<>();
  /** Each fetch waits for the object's outcome (set by the test) or its deadline, whichever is first. */
  private final Waits waits = new Waits(vertx, (id, deadline) -> {
    Promise<Buffer> fetch = Promise.promise();
    long left = deadline - System.currentTimeMillis();
    vertx.setTimer(Math.max(1, left), t -> fetch.tryFail(new GetTimeoutException(id.toString(), Duration.ofMillis(left), null)));
    fetches.computeIfAbsent(id, k -> Promise.promise()).future().onComplete(ar -> {
      if (ar.succeeded()) fetch.tryComplete(ar.result());
      else fetch.tryFail(ar.cause());
    });
    return fetch.future();
  });

  @AfterEach
  void down() {
    vertx.close();
  }

  private static List<ObjectId> ids(int n) {
    List<ObjectId> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(ObjectId.of(TaskId.child(TaskId.driverOf(JobId.named("w")), i), 1));
    return out;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void complete(ObjectId id, Object value) {
    fetches.computeIfAbsent(id, k -> Promise.promise()).tryComplete(Values.encode(value));
  }

  @Test
  void theFirstKReadyAreGivenInTheOrderAskedAsSoonAsKAreReady() throws Exception {
    List<ObjectId> ids = ids(4);
    Future<List<ObjectId>> ready = waits.ready(ids, 2, 60_000);
    complete(ids.get(3), 3L);
    assertTrue(!ready.isComplete(), "one of two is ready");
    fetches.computeIfAbsent(ids.get(1), k -> Promise.promise()).tryFail(new TaskCancelledException("t", null)); // a failure is ready too
    assertEquals(List.of(ids.get(1), ids.get(3)), await(ready));
  }

  @Test
  void atTheTimeoutWhateverIsReadyIsGivenAndNeverMoreThanK() throws Exception {
    List<ObjectId> ids = ids(3);
    complete(ids.get(2), 2L);
    long start = System.currentTimeMillis();
    assertEquals(List.of(ids.get(2)), await(waits.ready(ids, 2, 300)));
    assertTrue(System.currentTimeMillis() - start >= 290, "waited for the timeout");
    complete(ids.get(0), 0L);
    assertEquals(List.of(ids.get(0)), await(waits.ready(ids, 1, 60_000)), "k = 1: the first in order among the ready");
    assertEquals(List.of(), await(waits.ready(ids, 0, 60_000)));
    assertInstanceOf(IllegalArgumentException.class, waits.ready(ids, 4, 100).cause());
  }

  @Test
  void getAllGivesEveryValueInOrderOrTheFirstFailure() throws Exception {
    List<ObjectId> ids = ids(3);
    for (int i = 0; i < 3; i++) complete(ids.get(i), (long) i * 10);
    assertEquals(List.of(0L, 10L, 20L), await(waits.values(ids, 1_000)));

    List<ObjectId> other = ids(5).subList(3, 5);
    fetches.computeIfAbsent(other.get(1), k -> Promise.promise()).tryFail(new EmberException(ErrorCode.OBJECT_LOST, "gone"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(waits.values(other, 60_000)));
    assertEquals(ErrorCode.OBJECT_LOST, ((EmberException) e.getCause()).code(), "fails as soon as one fails");
  }

  /** A reference from elsewhere: only its id is used. */
  record IdRef(String id) implements io.ember.api.ObjectRef<Long> {
    @Override
    public Long get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Long get(Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Long> toFuture() {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void theBlockingFormsSplitTheReferencesThemselves() {
    List<ObjectId> ids = ids(3);
    List<io.ember.api.ObjectRef<Long>> refs = new ArrayList<>();
    for (ObjectId id : ids) refs.add(new IdRef(id.toString()));
    complete(ids.get(1), 1L);
    io.ember.api.WaitResult<Long> r = waits.await(refs, 1, Duration.ofSeconds(5));
    assertEquals(List.of(refs.get(1)), r.ready());
    assertEquals(List.of(refs.get(0), refs.get(2)), r.notReady());
    assertThrows(GetTimeoutException.class, () -> waits.getAll(refs, Duration.ofMillis(200)));
    complete(ids.get(0), 0L);
    complete(ids.get(2), 2L);
    assertEquals(List.of(0L, 1L, 2L), waits.getAll(refs, Duration.ofSeconds(5)));
  }
}
