package io.ember.cli;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.conf.ConfException;
import io.ember.conf.EmberConf;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class MainTest {
  private static final EmberConf LONE = EmberConf.from("lone.json", new JsonObject());
  private static final EmberConf WORKER = EmberConf.from("conf/worker.json",
      new JsonObject().put("cluster", new JsonObject().put("members", new JsonArray().add("127.0.0.1:5701").add("127.0.0.1:5702"))));

  @Test
  void aNodeStartedWithoutClusterOnAConfNamingNoMembersIsWarnedItRunsAlone() {
    String warning = Main.aloneWarning(false, LONE);
    assertTrue(warning != null && warning.contains("no -cluster") && warning.contains("runs alone") && !warning.contains("\n"), warning);
  }

  @Test
  void aConfNamingClusterMembersWithoutClusterIsRefusedSayingWhatToAdd() {
    ConfException e = assertThrows(ConfException.class, () -> Main.aloneWarning(false, WORKER));
    assertTrue(e.getMessage().contains("conf/worker.json names cluster.members") && e.getMessage().contains("add -cluster"), e.getMessage());
  }

  @Test
  void withClusterNothingIsSaid() {
    assertNull(Main.aloneWarning(true, WORKER));
    assertNull(Main.aloneWarning(true, LONE));
  }

  @Test
  void aMemberConfWithoutClusterIsRefusedBeforeAnythingStartsWithExitCodeTwo() {
    CliRun r = CliRun.of("-conf", "{\"cluster\":{\"members\":[\"127.0.0.1:5701\"]}}");
    r.assertRefused("add -cluster");
  }
}
