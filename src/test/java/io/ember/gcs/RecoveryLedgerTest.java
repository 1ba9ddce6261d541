package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ledger keeps node-level entries apart from task resubmissions, so a flood of the latter hides nothing. */
class RecoveryLedgerTest extends RealRedis {
  private static final NodeId NODE = new NodeId("a");

  @Test
  void aFloodOfResubmissionsNeverPushesALeaderChangeOrANodeDeathOut() throws Exception {
    TableWriter w = gcs.writer(NODE, await(gcs.nodes().register(NODE, Map.of())));
    w.recovery(new LedgerEntry.Leader(NODE, 1, 1_000));
    TaskId driver = TaskId.driverOf(JobId.named("ledger"));
    for (int i = 0; i < 1_500; i++) {
      w.recovery(new LedgerEntry.TaskResubmitted(TaskId.child(driver, i), "f", 1, new ClientId("a"), "node b died", 2_000 + i));
    }
    await(w.flush());
    // a driver appends directly, to the same lists
    await(gcs.ledger().append(new LedgerEntry.TaskResubmitted(TaskId.child(driver, 9_999), "f", 1,
        new ClientId("c-1"), "node b died", 5_000)));

    List<JsonObject> recent = await(gcs.ledger().recent(1_000));
    assertTrue(recent.stream().anyMatch(e -> "leader".equals(e.getString("kind"))), "the leader entry is still there");
    assertEquals(1_001, recent.size(), "the newest 1,000 resubmissions and the one node-level entry");
    assertEquals(5_000L, recent.get(0).getLong("at"), "newest first, the driver's included");
    for (int i = 1; i < recent.size(); i++) assertTrue(recent.get(i - 1).getLong("at") >= recent.get(i).getLong("at"));
  }

  @Test
  void aNodeDeathStaysThroughAFloodOfResubmissionsAndEachListIsCappedOnItsOwn() throws Exception {
    NodeId leader = new NodeId("c");
    await(gcs.nodes().register(NODE, Map.of()));
    long term = await(gcs.lease().acquire(leader, await(gcs.nodes().register(leader, Map.of())), 10_000));
    await(gcs.deaths().declareDead(leader, term, NODE, "process exited", 1_000));
    TableWriter w = gcs.writer(leader, 2);
    TaskId driver = TaskId.driverOf(JobId.named("flood"));
    for (int i = 0; i < 1_200; i++) {
      w.recovery(new LedgerEntry.TaskResubmitted(TaskId.child(driver, i), "f", 1, new ClientId("c"), "node a died", 2_000 + i));
    }
    await(w.flush());
    assertEquals(1_001L, await(gcs.ledger().size()), "1,000 resubmissions kept, and the node death");
    assertTrue(await(gcs.ledger().recent(1_000)).stream().anyMatch(e -> "node-dead".equals(e.getString("kind"))));

    for (int i = 0; i < 1_100; i++) w.recovery(new LedgerEntry.Leader(leader, i, 5_000 + i));
    await(w.flush());
    assertEquals(2_000L, await(gcs.ledger().size()), "each list keeps its own newest 1,000");
  }
}
