package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.NodeId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The monitor lease: one holder, renewable by it, refused to a stale incarnation, terms counted. */
class MonitorLeaseTest extends RealRedis {
  private static final NodeId A = new NodeId("a");
  private static final NodeId B = new NodeId("b");

  @Test
  void oneNodeHoldsTheLeaseUntilItReleasesIt() throws Exception {
    long ea = await(gcs.nodes().register(A, Map.of()));
    long eb = await(gcs.nodes().register(B, Map.of()));
    MonitorLease lease = gcs.lease();
    assertEquals(1L, await(lease.acquire(A, ea, 10_000)));
    assertEquals(1L, await(lease.acquire(A, ea, 10_000)));   // renewed, same term
    assertEquals(0L, await(lease.acquire(B, eb, 10_000)));   // another leads
    assertEquals("a|1", await(lease.leader()));
    assertFalse(await(lease.release(B, 1)));
    assertTrue(await(lease.release(A, 1)));
    assertNull(await(lease.leader()));
    assertEquals(2L, await(lease.acquire(B, eb, 10_000)));
  }

  @Test
  void aStaleOrDeadIncarnationIsFenced() throws Exception {
    long old = await(gcs.nodes().register(A, Map.of()));
    long current = await(gcs.nodes().register(A, Map.of()));
    assertEquals(-1L, await(gcs.lease().acquire(A, old, 10_000)));
    await(GcsTesting.markNodeDead(gcs, A, "gone"));
    assertEquals(-1L, await(gcs.lease().acquire(A, current, 10_000)));
    assertNull(await(gcs.lease().leader()));
  }
}
