package io.ember.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void taskIdsAreDeterministicPerSubmitterAndCounter() {
    TaskId root = TaskId.driverOf(JobId.named("sweep"));
    assertEquals(root, TaskId.driverOf(JobId.named("sweep")));
    assertEquals(TaskId.child(root, 3), TaskId.child(TaskId.driverOf(JobId.named("sweep")), 3));
    assertNotEquals(TaskId.child(root, 3), TaskId.child(root, 4));
    assertNotEquals(root, TaskId.driverOf(JobId.named("other")));
    Set<TaskId> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) seen.add(TaskId.child(root, i));
    assertEquals(100_000, seen.size());
  }

  @Test
  void idsParseTheirOwnStrings() {
    TaskId t = TaskId.child(TaskId.driverOf(JobId.random()), 1);
    assertEquals(t, TaskId.parse(t.toString()));
    ObjectId o = ObjectId.of(t, 1);
    assertEquals(o, ObjectId.parse(o.toString()));
    JobId j = JobId.named("x");
    assertEquals(j, JobId.parse(j.toString()));
  }

  @Test
  void malformedIdsAreRefusedWithTheReason() {
    assertThrows(IllegalArgumentException.class, () -> ObjectId.parse("nope"));
    assertThrows(IllegalArgumentException.class, () -> ObjectId.parse("z".repeat(32) + ".1"));
    assertThrows(IllegalArgumentException.class, () -> ObjectId.parse("0".repeat(32) + ".x"));
    assertThrows(IllegalArgumentException.class, () -> new NodeId("has space"));
  }

  @Test
  void aClientIdIsItsNodesIdOrAFreshDriverId() {
    NodeId node = NodeId.random();
    assertEquals(node.value(), ClientId.ofNode(node).value());
    ClientId driver = ClientId.random();
    assertTrue(driver.value().matches("c-[0-9a-f]{12}"), driver.value());
    assertNotEquals(driver, ClientId.random());
    assertEquals(driver, ClientId.parse(driver.toString()));
  }

  @Test
  void malformedClientIdsAreRefusedWithTheReason() {
    for (String bad : new String[] {null, "", "has space", "ember.client.x", "x".repeat(65)}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientId.parse(bad));
      assertTrue(e.getMessage().contains("a client id is"), e.getMessage());
    }
  }

  @Test
  void anActorIdPrintsAsTheTaskIdItIsDerivedFrom() {
    TaskId t = TaskId.child(TaskId.driverOf(JobId.random()), 7);
    ActorId a = ActorId.of(t);
    assertEquals(t, a.task());
    assertEquals(t.toString(), a.toString());
    assertEquals(a, ActorId.parse(t.toString()));
    assertEquals(a, ActorId.parse(a.toString()));
  }

  @Test
  void malformedActorIdsAreRefusedWithTheReason() {
    for (String bad : new String[] {null, "nope", "z".repeat(32), "0".repeat(31), "0".repeat(32) + ".1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActorId.parse(bad));
      assertTrue(e.getMessage().contains("an actor id is 32 hex digits"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> ActorId.of(null));
  }
}
