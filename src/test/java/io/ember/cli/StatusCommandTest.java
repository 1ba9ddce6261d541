package io.ember.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.conf.ConfException;
import io.ember.monitor.StatusReport;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  @Test
  void recoveriesAsksForThatManyEntriesOfEachLedgerList() {
    assertEquals(200, StatusCommand.recoveries(new String[] {"-conf", "c.json", "--recoveries", "200", "--json"}));
    assertEquals(0, StatusCommand.recoveries(new String[] {"--recoveries", "0"}));
    assertEquals(StatusReport.DEFAULT_RECOVERIES, StatusCommand.recoveries(new String[] {"--json"}));
  }

  @Test
  void recoveriesThatIsNotAnIntegerOfAtLeastZeroIsRefusedSayingWhatWasGiven() {
    for (String[] args : new String[][] {{"--recoveries", "all"}, {"--recoveries", "-5"}, {"--recoveries"}, {"--recoveries", "--json"}}) {
      ConfException e = assertThrows(ConfException.class, () -> StatusCommand.recoveries(args));
      assertTrue(e.getMessage().contains("--recoveries takes an integer >= 0"), e.getMessage());
    }
  }
}
