package io.ember.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.ids.NodeId;
import io.ember.monitor.ClusterView;
import io.ember.protocol.Heartbeat;
import io.ember.testing.FakeClock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Where a client sends its work, and when that moves: on a verdict, or (a driver) when its home falls silent. */
class HomeTest {
  static final NodeId A = new NodeId("a");
  static final NodeId B = new NodeId("b");
  final FakeClock clock = new FakeClock(1_000_000);
  final ClusterView view = new ClusterView();

  void hear(NodeId n) {
    view.onHeartbeat(Heartbeat.scheduler(n, 1, clock.millis(), null, new Heartbeat.Load(2, 0, 0, 0, Map.of(), 0)), clock.millis());
  }

  @Test
  void aDriverMovesWhenAVerdictNamesItsHome() {
    hear(A);
    hear(B);
    Home home = new Home(A, view, null, () -> false, clock);
    assertFalse(home.died(B), "another node's death does not move it");
    assertEquals(A, home.get());
    view.markDead(A);
    assertTrue(home.died(A));
    assertEquals(B, home.get());
  }

  @Test
  void aDriverWhoseHomeFallsSilentMovesToAPeerHeardLately() {
    hear(A);
    hear(B);
    Home home = new Home(A, view, null, () -> false, clock);
    clock.advance(Home.SILENCE_MS - 1);
    hear(B);
    home.check();
    assertEquals(A, home.get(), "silent for less than the limit: it stays");
    clock.advance(2);
    home.check();
    assertEquals(B, home.get(), "the verdict never came, but A has been silent too long");
  }

  @Test
  void noPeerHeardLatelyLeavesTheHomeAsItIs() {
    hear(A);
    Home home = new Home(A, view, null, () -> false, clock);
    clock.advance(Home.SILENCE_MS * 2);
    home.check();
    assertEquals(A, home.get());
  }

  @Test
  void aNodesOwnClientStaysOnItsNodeUnlessFenced() {
    hear(B);
    AtomicBoolean fenced = new AtomicBoolean();
    Home home = new Home(A, view, A, fenced::get, clock);
    clock.advance(Home.SILENCE_MS * 2);
    home.check();
    assertEquals(A, home.get(), "a node's client is never moved by silence");
    fenced.set(true);
    assertTrue(home.died(A));
    assertEquals(B, home.get(), "a fenced node's client sends to a live peer");
  }
}
