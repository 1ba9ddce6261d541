package io.ember.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.monitor.StatusReport;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  @Test
  void recoveriesAsksForThatManyEntriesOfEachLedgerList() {
    StatusCommand s = (StatusCommand) CliRun.parsed("status", "-conf", "c.json", "--recoveries", "200", "--json");
    assertEquals(200, s.recoveries);
    assertTrue(s.json);
    assertEquals("c.json", s.conf.value);
    assertEquals(0, ((StatusCommand) CliRun.parsed("status", "--recoveries", "0")).recoveries);
    assertEquals(StatusReport.DEFAULT_RECOVERIES, ((StatusCommand) CliRun.parsed("status", "--json")).recoveries);
  }

  @Test
  void recoveriesThatIsNotAnIntegerOfAtLeastZeroIsRefusedSayingWhatWasGiven() {
    CliRun.of("status", "--recoveries", "-5").assertRefused("--recoveries takes an integer >= 0 (entries of each ledger list), got -5");
    CliRun.of("status", "--recoveries", "all").assertRefused("'all' is not an int");
    CliRun.of("status", "--recoveries").assertRefused("Missing required parameter for option '--recoveries'");
    CliRun.of("status", "--recoveries", "--json").assertRefused("Expected parameter for option '--recoveries' but found '--json'");
  }

  @Test
  void watchAloneReprintsEveryTwoSecondsOrEveryNGiven() {
    assertNull(((StatusCommand) CliRun.parsed("status", "-conf", "c.json")).watch);
    assertEquals(StatusCommand.DEFAULT_WATCH_SECONDS, ((StatusCommand) CliRun.parsed("status", "--watch")).watch);
    StatusCommand s = (StatusCommand) CliRun.parsed("status", "--watch", "--json", "-conf", "c.json");
    assertEquals(2, s.watch);
    assertTrue(s.json);
    assertEquals(5, ((StatusCommand) CliRun.parsed("status", "-conf", "c.json", "--watch", "5")).watch);
  }

  @Test
  void watchOfLessThanASecondIsRefused() {
    CliRun.of("status", "--watch", "0").assertRefused("--watch takes whole seconds >= 1, got 0");
  }

  @Test
  void aConfWithoutAFixedRedisPortIsRefusedNamingWhatToGive() {
    CliRun.of("status", "-conf", "{}").assertRefused("ember status: -conf names no Redis port (an embedded Redis on a free port);"
        + " give the conf of a node whose Redis has a fixed port");
  }

  @Test
  void aConfThatCannotBeReadIsOneLineAndExitCodeTwo() {
    CliRun r = CliRun.of("status", "-conf", "/nonexistent/ember.json");
    r.assertRefused("ember status: /nonexistent/ember.json: cannot read the conf file");
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}
