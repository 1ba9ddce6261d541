package io.ember.protocol;

import io.ember.api.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ember.api.ActorDiedException;
import io.ember.api.EmberException;
import io.ember.api.ObjectLostException;
import io.ember.api.TaskCancelledException;
import io.ember.api.TaskFailedException;
import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Every binary message survives the wire form (local delivery skips it and would hide bugs). */
class CodecsTest {

  static <T> T overTheWire(MessageCodec<T, T> codec, T value) {
    Buffer wire = Buffer.buffer("prefix-");
    codec.encodeToWire(wire, value);
    return codec.decodeFromWire("prefix-".length(), wire);
  }

  @Test
  void taskSpecRoundTrips() {
    TaskId id = TaskId.child(TaskId.driverOf(JobId.named("j")), 7);
    Map<String, Double> res = new LinkedHashMap<>();
    res.put("cpu", 1.0);
    res.put("node:n1", 0.5);
    TaskSpec spec = new TaskSpec(id, JobId.named("j"), "a.B.c",
        List.of(TaskSpec.Arg.value(Buffer.buffer(new byte[] {1, 2, 3})), TaskSpec.Arg.ref(ObjectId.of(id, 1))),
        res, 3, true, new ClientId("owner-1"), 2);
    TaskSpec back = overTheWire(Codecs.taskSpecCodec(), spec);
    assertEquals(spec.id(), back.id());
    assertEquals(spec.job(), back.job());
    assertEquals(spec.function(), back.function());
    assertArrayEquals(new byte[] {1, 2, 3}, back.args().get(0).value().getBytes());
    assertEquals(ObjectId.of(id, 1), back.args().get(1).ref());
    assertEquals(res, back.resources());
    assertEquals(3, back.maxRetries());
    assertEquals(true, back.retryExceptions());
    assertEquals(new ClientId("owner-1"), back.owner());
    assertEquals(2, back.attempt());
    assertEquals(spec.encode(), TaskSpec.decodeBuffer(spec.encode()).encode());
  }

  @Test
  void aSpecKeepsItsNumberOfReturnsAndAnOlderRowWithoutOneHasOne() {
    TaskId id = TaskId.child(TaskId.driverOf(JobId.named("j")), 8);
    TaskSpec three = new TaskSpec(id, JobId.named("j"), "a.B.c", List.of(), Map.of("cpu", 1.0), 3, false, new ClientId("o"), 1, 3);
    assertEquals(3, overTheWire(Codecs.taskSpecCodec(), three).numReturns());
    assertEquals(3, TaskSpec.decodeBuffer(three.encode()).numReturns());
    assertEquals(List.of(ObjectId.of(id, 1), ObjectId.of(id, 2), ObjectId.of(id, 3)), three.returnIds());
    assertEquals(3, three.withAttempt(2).numReturns());
    assertEquals(3, three.ownedBy(new ClientId("p"), 2).numReturns());
    Buffer older = three.encode();
    older = older.getBuffer(0, older.length() - 4); // a row written before numReturns existed
    TaskSpec back = TaskSpec.decodeBuffer(older);
    assertEquals(1, back.numReturns());
    assertEquals(1, back.attempt());
  }

  @Test
  void taskCancelRoundTrips() {
    TaskCancel c = new TaskCancel(TaskId.child(TaskId.driverOf(JobId.named("j")), 3), new ClientId("owner-7"));
    assertEquals(c, overTheWire(Codecs.taskCancelCodec(), c));
  }

  @Test
  void aCancelledTaskFailureNamesItsTaskOnTheWire() {
    RemoteFailure f = overTheWire(Codecs.remoteFailureCodec(), RemoteFailure.of(new TaskCancelledException("abc", "cancelled by its owner")));
    assertEquals(ErrorCode.CANCELLED, f.code());
    assertEquals(499, f.failureCode());
    assertEquals("abc", f.task());
    assertEquals("abc", TaskDone.Failure.subjectOf(new TaskCancelledException("abc", null)));
  }

  @Test
  void taskDoneRoundTripsBothWays() {
    TaskId id = TaskId.child(TaskId.driverOf(JobId.named("j")), 1);
    TaskDone ok = TaskDone.ok(id, new NodeId("n1"), "127.0.0.1", 4000, 5, Buffer.buffer("hello"));
    TaskDone okBack = overTheWire(Codecs.taskDoneCodec(), ok);
    assertEquals(ok.task(), okBack.task());
    assertEquals(ok.node(), okBack.node());
    assertEquals(4000, okBack.transferPort());
    assertEquals("hello", okBack.inline().toString());
    assertNull(okBack.error());

    TaskDone bad = TaskDone.failed(id, new NodeId("n2"),
        new TaskDone.Failure(ErrorCode.TASK_FAILED, "f.G.h", "java.lang.X", "why", "stack\n\tat x", null));
    TaskDone badBack = overTheWire(Codecs.taskDoneCodec(), bad);
    assertEquals(bad.error(), badBack.error());
    assertNull(badBack.inline());
  }

  @Test
  void aFailureKeepsTheIdItsExceptionNamesAcrossTheWire() {
    TaskId id = TaskId.child(TaskId.driverOf(JobId.named("j")), 2);
    TaskDone.Failure died = TaskDone.Failure.of("f.G.h", new ActorDiedException("actor-7", "its constructor threw"));
    assertEquals("actor-7", died.subject());
    TaskDone back = overTheWire(Codecs.taskDoneCodec(), TaskDone.failed(id, new NodeId("n2"), died));
    assertEquals(died, back.error());

    assertEquals("o-1", TaskDone.Failure.of("f", new ObjectLostException("o-1", "gone")).subject());
    assertEquals("t-1", TaskDone.Failure.of("f", new TaskFailedException("t-1", "g", "x.E", "m", null)).subject());
    assertNull(TaskDone.Failure.of("f", new EmberException(ErrorCode.UNAVAILABLE, "down")).subject());
    assertNull(TaskDone.Failure.ofUser("f", new IllegalStateException("no")).subject());
  }

  @Test
  void errorCodesAreStable() {
    for (ErrorCode c : ErrorCode.values()) assertEquals(c, ErrorCode.of(c.code));
    assertEquals(ErrorCode.INTERNAL, ErrorCode.of(12345));
  }

  @Test
  void actorCallRoundTrips() {
    TaskId id = TaskId.child(TaskId.driverOf(JobId.named("j")), 3);
    ActorId actor = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("j")), 0));
    ActorCallSpec c = new ActorCallSpec(id, actor, TaskId.driverOf(JobId.named("j")), 42, "incr",
        List.of(TaskSpec.Arg.value(Buffer.buffer(new byte[] {9})), TaskSpec.Arg.ref(ObjectId.of(actor.task(), 1))), new ClientId("owner-2"));
    ActorCallSpec back = overTheWire(Codecs.actorCallCodec(), c);
    assertEquals(c.id(), back.id());
    assertEquals(c.actor(), back.actor());
    assertEquals(c.caller(), back.caller());
    assertEquals(42, back.seq());
    assertEquals("incr", back.method());
    assertArrayEquals(new byte[] {9}, back.args().get(0).value().getBytes());
    assertEquals(ObjectId.of(actor.task(), 1), back.args().get(1).ref());
    assertEquals(new ClientId("owner-2"), back.owner());
    assertEquals(ObjectId.of(id, 1), back.returnId());
  }

  @Test
  void actorCreateRoundTrips() {
    ActorId actor = ActorId.of(TaskId.child(TaskId.driverOf(JobId.named("j")), 0));
    Map<String, Double> res = new LinkedHashMap<>();
    res.put("gpu", 1.0);
    ActorCreateSpec spec = new ActorCreateSpec(actor, "a.Counter", List.of(TaskSpec.Arg.value(Buffer.buffer(new byte[] {5}))), res,
        -1, 100, 5000, new ClientId("owner-3"));
    for (ActorCreateSpec back : List.of(overTheWire(Codecs.actorCreateCodec(), spec), ActorCreateSpec.decodeBuffer(spec.encode()))) {
      assertEquals(actor, back.actor());
      assertEquals("a.Counter", back.className());
      assertArrayEquals(new byte[] {5}, back.args().get(0).value().getBytes());
      assertEquals(res, back.resources());
      assertEquals(-1, back.maxRestarts());
      assertEquals(100, back.checkpointCalls());
      assertEquals(5000, back.checkpointMs());
      assertEquals(new ClientId("owner-3"), back.owner());
    }
  }

  @Test
  void aClientIdTravelsAsItsStringAndAnActorIdAsItsTaskId() {
    TaskId id = TaskId.child(TaskId.driverOf(JobId.named("j")), 3);
    TaskId creation = TaskId.child(TaskId.driverOf(JobId.named("j")), 0);
    TaskId caller = TaskId.driverOf(JobId.named("j"));
    ActorCallSpec c = new ActorCallSpec(id, ActorId.of(creation), caller, 7, "incr", List.of(), new ClientId("c-0123456789ab"));
    // the layout from before the ids were typed: task ids as two longs, the owner as a string
    Buffer before = Buffer.buffer();
    Wire.putTask(before, id);
    Wire.putTask(before, creation);
    Wire.putTask(before, caller);
    before.appendLong(7);
    Wire.putString(before, "incr");
    TaskSpec.Arg.encodeAll(before, List.of());
    Wire.putString(before, "c-0123456789ab");
    Buffer now = Buffer.buffer();
    c.encodeTo(now);
    assertEquals(before, now);
  }

  @Test
  void remoteFailureRoundTripsWithEveryField() {
    RemoteFailure f = new RemoteFailure(ErrorCode.TASK_FAILED, "task t (f.G.h) failed: java.lang.X: why", "java.lang.X", "why",
        "stack\n\tat x", "0123", "f.G.h", "actor-1", "0123.1");
    RemoteFailure back = overTheWire(Codecs.remoteFailureCodec(), f);
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, back.failureType());
    assertEquals(ErrorCode.TASK_FAILED.code, back.failureCode());
    assertEquals(f.getMessage(), back.getMessage());
    assertEquals(ErrorCode.TASK_FAILED, back.code());
    assertEquals("java.lang.X", back.type());
    assertEquals("why", back.detail());
    assertEquals("stack\n\tat x", back.stack());
    assertEquals("0123", back.task());
    assertEquals("f.G.h", back.function());
    assertEquals("actor-1", back.actor());
    assertEquals("0123.1", back.object());

    RemoteFailure sparse = overTheWire(Codecs.remoteFailureCodec(), RemoteFailure.of(new TimeoutException("late")));
    assertEquals(ErrorCode.TIMEOUT, sparse.code());
    assertEquals("late", sparse.getMessage());
    assertNull(sparse.task());
    assertNull(sparse.actor());
  }

  @Test
  void remoteFailureKeepsTheCodeAndTextOfPlainFail() {
    ActorDiedException died = new ActorDiedException("a1", "its constructor threw");
    RemoteFailure f = RemoteFailure.of(died);
    assertEquals(ErrorCode.ACTOR_DIED.code, f.failureCode());
    assertEquals(died.getMessage(), f.getMessage());
    assertEquals("a1", f.actor());
    RemoteFailure internal = RemoteFailure.of(new IllegalStateException("boom"));
    assertEquals(ErrorCode.INTERNAL.code, internal.failureCode());
    assertEquals("java.lang.IllegalStateException: boom", internal.getMessage());
  }
}
