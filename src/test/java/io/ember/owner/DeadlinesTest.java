package io.ember.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.GetTimeoutException;
import io.ember.ids.JobId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Swept get deadlines: each expires once its deadline has passed, not before, and a removed one never. */
class DeadlinesTest {
  static final ObjectId OID = ObjectId.of(TaskId.driverOf(JobId.named("d")), 1);

  @Test
  void expiresInDeadlineOrderAndOnlyWhenDue() {
    Deadlines d = new Deadlines();
    Promise<Buffer> early = Promise.promise();
    Promise<Buffer> late = Promise.promise();
    Promise<Buffer> answered = Promise.promise();
    d.add(1_000, early, OID);
    d.add(5_000, late, OID);
    Deadlines.Entry gone = d.add(500, answered, OID);
    d.remove(gone);
    d.expire(999);
    assertFalse(early.future().isComplete());
    d.expire(1_000);
    assertTrue(early.future().failed());
    assertInstanceOf(GetTimeoutException.class, early.future().cause());
    assertFalse(late.future().isComplete());
    assertFalse(answered.future().isComplete());
    assertEquals(1, d.size());
    d.expire(10_000);
    assertTrue(late.future().failed());
    assertEquals(0, d.size());
  }
}
