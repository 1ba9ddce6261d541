package io.ember.scheduler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.TaskId;
import io.ember.protocol.TaskCancel;
import io.ember.protocol.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node's memory of cancels: only the owner's count, a running task's thread is interrupted, and the interrupt never leaks. */
@Timeout(20)
class CancelsTest {
  private static final ClientId OWNER = new ClientId("owner");
  private static final TaskSpec SPEC = new TaskSpec(TaskId.child(TaskId.driverOf(JobId.named("c")), 1), JobId.named("c"), "a.F.f",
      List.of(), Map.of(), 3, false, OWNER, 0);

  @Test
  void aCancelArrivingBeforeItsTaskIsRememberedButOnlyForItsOwner() {
    Cancels cancels = new Cancels();
    assertFalse(cancels.cancel(new TaskCancel(SPEC.id(), new ClientId("someone-else"))));
    assertFalse(cancels.cancelled(SPEC), "another client cannot cancel it");
    assertFalse(cancels.cancel(new TaskCancel(SPEC.id(), OWNER)), "not running here");
    assertTrue(cancels.cancelled(SPEC));
    assertTrue(cancels.cancelled(SPEC.withAttempt(2)), "every attempt");
  }

  @Test
  void aRunningTaskIsInterruptedAndItsThreadCarriesNoInterruptIntoItsNextTask() throws Exception {
    Cancels cancels = new Cancels();
    CountDownLatch running = new CountDownLatch(1);
    boolean[] seen = new boolean[2];
    Thread worker = new Thread(() -> {
      cancels.started(SPEC);
      running.countDown();
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS); // the task: blocks until interrupted by the cancel
      } catch (InterruptedException e) {
        seen[0] = true;
        Thread.currentThread().interrupt(); // user code that keeps the flag set
      }
      cancels.ended(SPEC.id());
      seen[1] = Thread.currentThread().isInterrupted();
    });
    worker.start();
    assertTrue(running.await(5, TimeUnit.SECONDS));
    assertTrue(cancels.cancel(new TaskCancel(SPEC.id(), OWNER)));
    worker.join(5_000);
    assertTrue(seen[0], "interrupted");
    assertFalse(seen[1], "the flag is cleared when the task ends");
    assertFalse(cancels.cancel(new TaskCancel(SPEC.id(), OWNER)), "ended: nothing to interrupt");
  }
}
