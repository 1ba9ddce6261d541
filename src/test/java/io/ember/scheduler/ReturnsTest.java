package io.ember.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.TaskId;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task's return value as its objects: one, or each of numReturns values, and typed failures otherwise. */
class ReturnsTest {
  private static TaskSpec returning(int n) {
    return new TaskSpec(TaskId.child(TaskId.driverOf(JobId.named("r")), 1), JobId.named("r"), "a.Fns.split", List.of(), Map.of(),
        3, false, new ClientId("o"), 0, n);
  }

  @Test
  void oneReturnIsTheWholeValueEvenAnArray() {
    assertEquals(List.of(Values.encode(new Object[] {1L, 2L})), Returns.encode(returning(1), new Object[] {1L, 2L}, 1 << 20));
  }

  @Test
  void severalReturnsAreTheElementsOfAnArrayOrAList() {
    assertEquals(List.of(Values.encode(1L), Values.encode("two"), Values.encode(null)),
        Returns.encode(returning(3), new Object[] {1L, "two", null}, 1 << 20));
    assertEquals(List.of(Values.encode(4L), Values.encode(5L)), Returns.encode(returning(2), List.of(4L, 5L), 1 << 20));
  }

  @Test
  void theWrongNumberOrShapeIsAnArgumentMismatchNamingBoth() {
    EmberException few = assertThrows(EmberException.class, () -> Returns.encode(returning(3), List.of(1L, 2L), 1 << 20));
    assertEquals(ErrorCode.ARGUMENT_MISMATCH, few.code());
    assertTrue(few.getMessage().contains("numReturns 3") && few.getMessage().contains("a list of 2"), few.getMessage());
    EmberException scalar = assertThrows(EmberException.class, () -> Returns.encode(returning(2), 7L, 1 << 20));
    assertTrue(scalar.getMessage().contains("java.lang.Long"), scalar.getMessage());
  }

  @Test
  void eachValueIsBoundByTheLargestObject() {
    EmberException big = assertThrows(EmberException.class, () -> Returns.encode(returning(2), List.of(1L, new byte[4096]), 1024));
    assertEquals(ErrorCode.OBJECT_TOO_LARGE, big.code());
  }
}
