package io.ember.actor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.examples.Counter;
import io.ember.ids.JobId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.TaskSpec;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The method log's and the checkpoint's stored forms, and which classes may be actors. */
class ActorRecordsTest {
  static final TaskId ROOT = TaskId.driverOf(JobId.named("records"));

  @Test
  void logEntryRoundTrips() {
    MethodLogEntry e = new MethodLogEntry(17, TaskId.child(ROOT, 3), ROOT, 9, "incr",
        List.of(TaskSpec.Arg.value(Buffer.buffer(new byte[] {1, 2})), TaskSpec.Arg.ref(ObjectId.of(ROOT, 1))), true, -5L);
    MethodLogEntry back = MethodLogEntry.decode(Buffer.buffer(e.encode()));
    assertEquals(17, back.index());
    assertEquals(e.call(), back.call());
    assertEquals(ROOT, back.caller());
    assertEquals(9, back.seq());
    assertEquals("incr", back.method());
    assertArrayEquals(new byte[] {1, 2}, back.args().get(0).value().getBytes());
    assertEquals(ObjectId.of(ROOT, 1), back.args().get(1).ref());
    assertTrue(back.ok());
    assertEquals(-5L, back.digest());
  }

  @Test
  void checkpointRoundTrips() {
    Checkpoint k = new Checkpoint(1200, Buffer.buffer(new byte[] {7, 7}), Map.of(ROOT, 40L, TaskId.child(ROOT, 1), 3L));
    Checkpoint back = Checkpoint.decode(Buffer.buffer(k.encode()));
    assertEquals(1200, back.position());
    assertArrayEquals(new byte[] {7, 7}, back.state().getBytes());
    assertEquals(k.applied(), back.applied());
  }

  public static final class Overloaded {
    public int f(int x) {
      return x;
    }

    public int f(String x) {
      return 0;
    }
  }

  public static final class TwoConstructors {
    public TwoConstructors(int a) {
    }

    public TwoConstructors(String a) {
    }
  }

  @Test
  void registrationRefusesAmbiguousClasses() {
    ActorRegistry r = new ActorRegistry();
    assertThrows(IllegalArgumentException.class, () -> r.register(Overloaded.class.getName(), getClass().getClassLoader()));
    assertThrows(IllegalArgumentException.class, () -> r.register(TwoConstructors.class.getName(), getClass().getClassLoader()));
    assertThrows(IllegalArgumentException.class, () -> r.register("no.such.Actor", getClass().getClassLoader()));
    EmberException e = assertThrows(EmberException.class, () -> r.lookup("java.lang.Runtime"));
    assertEquals(ErrorCode.UNKNOWN_ACTOR, e.code());
  }

  @Test
  void callsCheckArgumentsAndNames() throws Throwable {
    ActorRegistry r = new ActorRegistry();
    r.register(Counter.class.getName(), getClass().getClassLoader());
    ActorClass c = r.lookup(Counter.class.getName());
    Object counter = c.construct(new Object[] {5}); // a JSON int widens to the long parameter
    assertEquals(7L, c.invoke(counter, "incr", new Object[] {2}));
    assertEquals(ErrorCode.ARGUMENT_MISMATCH, assertThrows(EmberException.class, () -> c.invoke(counter, "incr", new Object[] {"x"})).code());
    assertEquals(ErrorCode.UNKNOWN_FUNCTION, assertThrows(EmberException.class, () -> c.invoke(counter, "saveCheckpoint", new Object[0])).code());
    assertEquals(ErrorCode.UNKNOWN_FUNCTION, assertThrows(EmberException.class, () -> c.invoke(counter, "wait", new Object[0])).code());
    assertTrue(c.checkpointable());
  }
}
