package io.ember.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line without a cluster: what each documented invocation parses to, help, refusals, the version. */
class CommandLineTest {
  private static final List<String> COMMANDS = List.of("status", "dashboard", "redis-stop", "example", "microbenchmark");

  @Test
  void theDocumentedNodeInvocationParsesToTheNodeWithClusterAndConf() {
    NodeCommand n = (NodeCommand) CliRun.parsed("-cluster", "-conf", "conf/head.json");
    assertTrue(n.cluster);
    assertEquals("conf/head.json", n.conf.value);
    NodeCommand alone = (NodeCommand) CliRun.parsed("-conf", "{\"node\":{}}");
    assertFalse(alone.cluster);
    assertNull(((NodeCommand) CliRun.parsed("-cluster")).conf.value);
  }

  @Test
  void theOtherDocumentedInvocationsParseToTheirCommands() {
    assertEquals("conf/worker.json", ((RedisStopCommand) CliRun.parsed("redis-stop", "-conf", "conf/worker.json")).conf.value);
    assertEquals(1000, ((ExampleCommand) CliRun.parsed("example")).n);
    assertEquals(10, ((ExampleCommand) CliRun.parsed("example", "-n", "10")).n);
    assertEquals(List.of(), ((MicrobenchmarkCommand) CliRun.parsed("microbenchmark")).args());
    MicrobenchmarkCommand m = (MicrobenchmarkCommand) CliRun.parsed("microbenchmark", "--no-failures", "--quick", "--actors", "--replica-acks", "1");
    assertEquals(List.of("--quick", "--no-failures", "--actors", "--replica-acks", "1"), m.args());
  }

  @Test
  void everyCommandAnswersHelpWithItsUsageAndExitCodeZero() {
    CliRun top = CliRun.of("--help");
    assertEquals(0, top.code());
    assertTrue(top.out().contains("-cluster") && top.out().contains("-conf=FILE|JSON"), top.out());
    for (String c : COMMANDS) {
      assertTrue(top.out().contains("  " + c), top.out());
      for (String help : List.of("--help", "-h")) {
        CliRun r = CliRun.of(c, help);
        assertEquals(0, r.code(), c);
        assertTrue(r.out().startsWith("Usage: java -jar node.jar " + c), r.out());
        assertTrue(r.err().isEmpty(), r.err());
      }
      assertEquals(CliRun.of(c, "--help").out(), CliRun.of("help", c).out());
    }
    assertTrue(CliRun.of("status", "--help").out().contains("--watch[=SECONDS]"));
    assertTrue(CliRun.of("status", "--help").out().contains("--recoveries=N"));
  }

  @Test
  void versionPrintsTheProjectVersionFromThePom() {
    String v = Version.project();
    assertTrue(v.matches("\\d+\\.\\d+\\.\\d+.*"), v);
    for (String[] args : new String[][] {{"--version"}, {"-V"}, {"status", "--version"}}) {
      CliRun r = CliRun.of(args);
      assertEquals(0, r.code());
      assertTrue(r.out().startsWith("Ember " + v + " (Java "), r.out());
    }
  }

  @Test
  void anUnknownFlagIsRefusedWithExitCodeTwoNamingItAndWhatWasMeant() {
    CliRun r = CliRun.of("status", "--jsn", "-conf", "conf/worker.json");
    r.assertRefused("ember status: Unknown option: '--jsn'");
    assertTrue(r.err().contains("--json"), r.err());
    assertTrue(r.err().contains("see: java -jar node.jar status --help"), r.err());
    CliRun.of("microbenchmark", "--fast").assertRefused("ember microbenchmark: Unknown option: '--fast'");
    CliRun.of("redis-stop", "-conf").assertRefused("Missing required parameter for option '--conf'");
    CliRun.of("-clustr", "-conf", "conf/head.json").assertRefused("ember: Unknown option: '-clustr'");
    CliRun.of("-cluster", "-instances", "2").assertRefused("Unknown options: '-instances', '2'");
  }

  @Test
  void anUnknownCommandIsRefusedSuggestingTheNearestOne() {
    CliRun r = CliRun.of("stauts", "-conf", "conf/worker.json");
    r.assertRefused("ember: unknown command 'stauts'");
    assertTrue(r.err().contains("status"), r.err());
  }

  @Test
  void valuesOutOfRangeAreRefusedByTheirCommand() {
    CliRun.of("example", "-n", "0").assertRefused("-n takes an integer >= 1, got 0");
    CliRun.of("microbenchmark", "--replica-acks", "-1").assertRefused("--replica-acks takes an integer >= 0, got -1");
  }
}
