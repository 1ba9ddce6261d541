package io.ember.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.testing.LocalCluster;
import io.ember.testing.NetCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Partitions across hosts: three network namespaces (a head and two workers, each node and its
 * member of the Redis group on its own address), one host cut off from the bridge for 15 s. The
 * majority keeps serving with exact results; the minority declares nobody dead; after healing
 * its node comes back as a new incarnation; no task row is left unfinished. Needs root
 * ({@code ip netns}); run by the {@code partitions} profile ({@code mvn -Ppartitions test}), not by
 * the default suite.
 */
@Tag("partitions")
@Timeout(420)
public class PartitionTest {
  static final Duration CUT = Duration.ofSeconds(15);
  private NetCluster c;

  @AfterEach
  void tearDown() {
    if (c != null) c.close();
  }

  @Test
  void aWorkerHostCutOffLeavesTheMajorityServingAndRejoinsAsANewIncarnation() throws Exception {
    partition(2);
  }

  @Test
  void theHeadHostCutOffLeavesTheMajorityServingAndRejoinsAsANewIncarnation() throws Exception {
    partition(0);
  }

  private void partition(int victim) throws Exception {
    c = NetCluster.start(3);
    String before = idOf(c.snap(), victim);
    c.ask("start", "", "ERR", Duration.ofSeconds(5));
    awaitJobs(3, Duration.ofSeconds(60));
    long cutAt = System.currentTimeMillis();
    c.hosts.cut(victim);
    // the majority declares the victim dead and serves exact results while it is cut off
    c.awaitSnap("the cut host's node DEAD", CUT.plusSeconds(30), s -> "DEAD".equals(stateOf(s, before)));
    long servingAt = awaitOkJobStartedAfter(cutAt, CUT.plusSeconds(60));
    // the cut lasts CUT in all; meanwhile every job the majority finishes is exact
    LocalCluster.holdsFor("the majority's jobs exact while the host is cut off", Duration.ofMillis(Math.max(0, cutAt + CUT.toMillis()
        - System.currentTimeMillis())), () -> jobs().stream().noneMatch(l -> !l.split(" ")[3].equals("ok")));
    c.hosts.heal(victim);
    long healedAt = System.currentTimeMillis();
    // the minority's node comes back as a new incarnation
    JsonObject rejoined = c.awaitSnap("a new ALIVE incarnation on the healed host", Duration.ofSeconds(120),
        s -> NetCluster.alive(s) == 3 && newAliveOn(s, victim, before) != null);
    long rejoinMs = System.currentTimeMillis() - healedAt;
    awaitOkJobStartedAfter(System.currentTimeMillis(), Duration.ofSeconds(60));
    c.ask("stop", "STOPPED", "ERR", Duration.ofSeconds(150));
    List<String> jobs = jobs();
    long wrong = jobs.stream().filter(l -> l.split(" ")[3].equals("wrong")).count();
    long failed = jobs.stream().filter(l -> l.split(" ")[3].equals("fail")).count();
    long worst = jobs.stream().mapToLong(l -> Long.parseLong(l.split(" ")[2]) - Long.parseLong(l.split(" ")[1])).max().orElse(0);
    System.out.printf("partition of host %d: majority serving %d ms after the cut, new incarnation ALIVE %d ms after healing;"
        + " jobs %d (wrong %d, failed %d), slowest %d ms%n", victim, servingAt - cutAt, rejoinMs, jobs.size(), wrong, failed, worst);
    assertEquals(0, wrong, "wrong results: " + jobs);
    assertEquals(0, failed, "failed jobs: " + jobs);
    // no declaration from the minority: every node-dead entry names a declarer on the majority side
    JsonObject last = c.snap();
    Set<String> victimIds = new HashSet<>();
    for (JsonObject r : c.rowsOf(last, victim)) victimIds.add(r.getString("id"));
    for (Object o : last.getJsonArray("recoveries")) {
      JsonObject e = (JsonObject) o;
      if ("node-dead".equals(e.getString("kind"))) {
        assertTrue(!victimIds.contains(e.getString("by")), "the minority declared: " + e);
        assertEquals(before, e.getString("node"), "only the cut node is declared dead: " + e);
      }
    }
    assertTrue(c.logOf(victim).contains("no majority; it stops acting"), "the cut host's monitor saw it was in the minority");
    assertEquals("DEAD", stateOf(rejoined, before));
    JsonObject audit = new JsonObject(c.ask("audit", "AUDIT ", "AUDIT-ERR", Duration.ofSeconds(60)));
    assertEquals(new JsonArray(), audit.getJsonArray("rows"), "task rows left unfinished");
  }

  private String idOf(JsonObject status, int host) {
    List<JsonObject> rows = c.rowsOf(status, host);
    assertEquals(1, rows.size(), "one row for host " + host + ": " + rows);
    return rows.get(0).getString("id");
  }

  private static String stateOf(JsonObject status, String id) {
    for (Object o : status.getJsonArray("nodes")) if (id.equals(((JsonObject) o).getString("id"))) return ((JsonObject) o).getString("state");
    return null;
  }

  private String newAliveOn(JsonObject status, int host, String old) {
    for (JsonObject r : c.rowsOf(status, host)) if (!old.equals(r.getString("id")) && "ALIVE".equals(r.getString("state"))) return r.getString("id");
    return null;
  }

  private List<String> jobs() {
    List<String> jobs = new ArrayList<>();
    for (String l : c.driverLines()) if (l.startsWith("JOB ")) jobs.add(l);
    return jobs;
  }

  private void awaitJobs(int n, Duration timeout) throws Exception {
    LocalCluster.poll(n + " exact jobs", timeout, () -> jobs().stream().filter(l -> l.split(" ")[3].equals("ok")).count() >= n);
  }

  /** The end time of the first exact job that started after {@code t}. */
  private long awaitOkJobStartedAfter(long t, Duration timeout) throws Exception {
    LocalCluster.poll("an exact job started after " + t, timeout, () -> okJobStartedAfter(t) > 0);
    return okJobStartedAfter(t);
  }

  private long okJobStartedAfter(long t) {
    for (String l : jobs()) {
      String[] f = l.split(" ");
      if (Long.parseLong(f[1]) >= t && f[3].equals("ok")) return Long.parseLong(f[2]);
    }
    return -1;
  }
}
