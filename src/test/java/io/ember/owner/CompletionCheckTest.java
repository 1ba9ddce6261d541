package io.ember.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.protocol.TaskDone;
import io.ember.util.Retry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which completions an owner acts on: from where it handed the work at once, else only where the table says it runs. */
class CompletionCheckTest {
  static final TaskId TASK = TaskId.child(TaskId.driverOf(JobId.named("checked")), 0);
  static final NodeId HOME = new NodeId("home");
  static final NodeId PEER = new NodeId("peer");
  static final NodeId FORGER = new NodeId("forger");

  final Vertx vertx = Vertx.vertx();
  final CompletionCheck check = new CompletionCheck(Retry.every(vertx, Clock.systemUTC(), 20), Clock.systemUTC(), "test.inbox");
  final AtomicInteger reads = new AtomicInteger();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static TaskDone from(NodeId node) {
    return TaskDone.ok(TASK, node, "127.0.0.1", 1, 1, Buffer.buffer("x"));
  }

  /** A table that names {@code answers} in turn (the last one from then on). */
  CompletionCheck.Expected expected(NodeId handedTo, NodeId... answers) {
    List<NodeId> a = List.of(answers);
    return new CompletionCheck.Expected(handedTo, () -> Future.succeededFuture(a.get(Math.min(reads.getAndIncrement(), a.size() - 1))));
  }

  static boolean await(Future<Boolean> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aCompletionFromTheNodeItWasHandedToIsAcceptedWithoutReadingTheTable() throws Exception {
    Future<Boolean> f = check.accepts(from(HOME), expected(HOME, FORGER));
    assertTrue(f.isComplete(), "decided at once");
    assertTrue(await(f));
    assertEquals(0, reads.get(), "table reads");
  }

  @Test
  void aCompletionFromAPeerIsAcceptedOnceTheTableNamesThatPeer() throws Exception {
    // the home forwarded the task; the peer's result arrives before the row says so
    assertTrue(await(check.accepts(from(PEER), expected(HOME, HOME, HOME, PEER))));
    assertEquals(3, reads.get(), "table reads");
  }

  @Test
  void aCompletionFromANodeTheTableNeverNamesIsDropped() throws Exception {
    long start = System.currentTimeMillis();
    assertFalse(await(check.accepts(from(FORGER), expected(HOME, HOME))));
    assertTrue(System.currentTimeMillis() - start >= CompletionCheck.ROW_WAIT_MS - 100, "gave the row time to land first");
  }

  @Test
  void aCompletionNamingNoNodeIsDroppedAtOnce() throws Exception {
    Future<Boolean> f = check.accepts(TaskDone.failed(TASK, null, TaskDone.Failure.of("f", new EmberException(ErrorCode.INTERNAL, "x"))),
        expected(HOME, HOME));
    assertTrue(f.isComplete());
    assertFalse(await(f));
    assertEquals(0, reads.get(), "table reads");
  }

  @Test
  void aTableThatCannotBeReadDropsTheCompletionAfterTheWait() throws Exception {
    CompletionCheck.Expected broken = new CompletionCheck.Expected(HOME, () -> {
      reads.incrementAndGet();
      return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "redis is away"));
    });
    assertFalse(await(check.accepts(from(PEER), broken)));
    assertTrue(reads.get() > 1, "asked again meanwhile: " + reads.get());
  }
}
