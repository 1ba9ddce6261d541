package io.ember.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ember.ids.NodeId;
import io.ember.monitor.ClusterView;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a put's second copy goes: the live peer with the emptiest store, never this node, a dead one or one already tried. */
class CopyTargetTest {
  static final NodeId SELF = new NodeId("self");
  static final NodeId A = new NodeId("a");
  static final NodeId B = new NodeId("b");
  static final NodeId C = new NodeId("c");

  static CopyTarget.Candidate live(NodeId n, long bytes) {
    return new CopyTarget.Candidate(n, true, bytes);
  }

  @Test
  void theLivePeerWithTheFewestStoreBytesIsChosen() {
    assertEquals(B, CopyTarget.choose(List.of(live(A, 500), live(B, 100), live(C, 300)), SELF, Set.of()));
  }

  @Test
  void thisNodeIsNeverChosenEvenWhenItsStoreIsEmptiest() {
    assertEquals(A, CopyTarget.choose(List.of(live(SELF, 0), live(A, 10)), SELF, Set.of()));
  }

  @Test
  void aPeerNotLiveOrAlreadyTriedIsPassedOver() {
    List<CopyTarget.Candidate> peers = List.of(new CopyTarget.Candidate(A, false, 0), live(B, 50), live(C, 90));
    assertEquals(B, CopyTarget.choose(peers, SELF, Set.of()));
    assertEquals(C, CopyTarget.choose(peers, SELF, Set.of(B)));
    assertNull(CopyTarget.choose(peers, SELF, Set.of(B, C)), "no live peer left: one copy");
  }

  @Test
  void tiesGoToTheSmallestNodeIdWhateverTheOrder() {
    assertEquals(A, CopyTarget.choose(List.of(live(C, 7), live(A, 7), live(B, 7)), SELF, Set.of()));
    assertEquals(A, CopyTarget.choose(List.of(live(A, 7), live(C, 7)), SELF, Set.of()));
  }

  @Test
  void aSingleLiveNodeHasNoTarget() {
    assertNull(CopyTarget.choose(List.of(live(SELF, 0)), SELF, Set.of()));
    assertNull(CopyTarget.choose(List.of(), SELF, Set.of()));
  }

  @Test
  void fromTheViewAPeerIsLiveOnlyWhenPlaceableWithAKnownTransferEndpoint() {
    ClusterView view = new ClusterView();
    ClusterView.Peer up = view.peer(A);
    up.schedulerSeenAt = 1;
    up.host = "127.0.0.1";
    up.transferPort = 9;
    up.storeBytes = 40;
    ClusterView.Peer noEndpoint = view.peer(B);
    noEndpoint.schedulerSeenAt = 1;
    ClusterView.Peer dead = view.peer(C);
    dead.schedulerSeenAt = 1;
    dead.host = "127.0.0.1";
    dead.transferPort = 10;
    dead.dead = true;
    assertEquals(Set.of(new CopyTarget.Candidate(A, true, 40), new CopyTarget.Candidate(B, false, 0), new CopyTarget.Candidate(C, false, 0)),
        Set.copyOf(CopyTarget.of(view)));
    assertEquals(A, CopyTarget.choose(CopyTarget.of(view), SELF, Set.of()));
  }
}
