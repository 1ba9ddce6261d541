package io.ember.cluster.chaos;

import static io.ember.cluster.chaos.ChaosLog.say;
import static io.ember.testing.LocalCluster.await;

import io.ember.bench.BenchFns;
import io.ember.client.EmberClient;
import io.ember.gcs.NodeRecord;
import io.ember.ids.NodeId;
import io.ember.testing.LocalCluster.NodeProcess;
import io.ember.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The chaos run's view of the nodes: which are live, which one is the head (the holder of the
 * monitor lease: {@code n0} at first, whichever node took the lease after that), and
 * replacements started under new names ({@code n4}, {@code n5}, ...) until {@value #SIZE} are live
 * again. A node that died without being faulted is recorded as an unplanned death.
 */
final class Members {
  /**
   * The nodes run with the product's default heartbeat timing (the test fixture's 1.2 s timeout
   * is for quick fault tests): the soak measures false deaths under load with what users get.
   */
  static final Consumer<JsonObject> PRODUCT_TIMING = conf -> conf.remove("heartbeat");

  static final int SIZE = 4;
  private final LocalCluster cluster;
  private final EmberClient ember;
  private final List<String> tracked = Collections.synchronizedList(new ArrayList<>(List.of("n0", "n1", "n2", "n3")));
  final Set<String> faulted = ConcurrentHashMap.newKeySet();
  final List<String> unplanned = Collections.synchronizedList(new ArrayList<>());
  private int next = SIZE;
  int replacements;

  Members(LocalCluster cluster) {
    this.cluster = cluster;
    this.ember = cluster.client();
  }

  /** The nodes alive now, in start order (oldest first); a node gone unfaulted is recorded as unplanned. */
  List<String> live() {
    List<String> out = new ArrayList<>();
    for (String n : new ArrayList<>(tracked)) {
      NodeProcess p = cluster.node(n);
      String state = stateOf(n);
      if (p.process.isAlive() && "ALIVE".equals(state)) {
        out.add(n);
      } else if (!p.process.isAlive() || "DEAD".equals(state) || "LEFT".equals(state)) {
        tracked.remove(n);
        if (!faulted.contains(n)) {
          String why = n + " (" + (p.process.isAlive() ? "declared " + state : "exit " + p.process.exitValue()) + ", log " + p.log + ")";
          unplanned.add(why);
          say("UNPLANNED death of %s", why);
        }
      }
    }
    return out;
  }

  /** The node that holds the monitor lease, if it is one of {@code live}; else the oldest live node. */
  String head(List<String> live) {
    try {
      NodeId leader = cluster.leader();
      String name = leader == null ? null : cluster.nameOf(leader);
      if (live.contains(name)) return name;
    } catch (Exception e) {
      say("could not read the monitor lease: %s", e);
    }
    return live.get(0);
  }

  /** Starts nodes under new names until {@value #SIZE} are alive; each must run a task pinned to it first. */
  void replace(BooleanSupplier over) throws Exception {
    while (live().size() < SIZE && !over.getAsBoolean()) {
      String name = "n" + next++;
      say("starting replacement node %s", name);
      cluster.startNode(name, PRODUCT_TIMING);
      tracked.add(name);
      replacements++;
      if (!awaitState(name, "ALIVE", 120) || !reachable(name)) {
        say("  ODD: replacement %s not serving after 120 s (log %s)", name, cluster.node(name).log);
        return;
      }
      say("  %s serving", name);
    }
  }

  /**
   * A task pinned to {@code name} runs and answers, in one try (the product acknowledges and
   * re-sends its hand-offs; a dropped one is a finding, not something to try again). A failure
   * is printed with its reason.
   */
  private boolean reachable(String name) {
    try {
      ember.task(BenchFns::noop).resource("node:" + name, 0.001).remote().get(Duration.ofSeconds(60));
      return true;
    } catch (RuntimeException e) {
      say("  ODD: a task pinned to the new node %s failed: %s", name, e);
      return false;
    }
  }

  /** Polls the node table ({@link LocalCluster#poll}) until {@code name} is in {@code state}; false after {@code seconds}. */
  boolean awaitState(String name, String state, int seconds) throws InterruptedException {
    try {
      LocalCluster.poll(name + " " + state, Duration.ofSeconds(seconds), () -> state.equals(stateOf(name)));
      return true;
    } catch (AssertionError timedOut) {
      return false;
    }
  }

  String stateOf(String name) {
    try {
      return cluster.stateOf(name);
    } catch (Exception e) {
      return null;
    }
  }

  /** How many rows of the node table are in each state. */
  Map<String, Integer> endStates() throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    for (NodeRecord r : await(cluster.gcs().nodes().all())) out.merge(r.state().name(), 1, Integer::sum);
    return out;
  }

  /**
   * The nodes whose row and process disagree: a row still ALIVE for a process that is gone, a
   * row DEAD or LEFT for a process still running, or a node with no row at all.
   */
  List<String> stuck() {
    List<String> out = new ArrayList<>();
    for (NodeProcess p : cluster.nodes()) {
      String state = stateOf(p.name);
      boolean running = p.process.isAlive();
      boolean settled = "ALIVE".equals(state) ? running : ("DEAD".equals(state) || "LEFT".equals(state)) && !running;
      if (!settled) out.add(p.name + " (" + state + ", process " + (running ? "running" : "gone") + ", log " + p.log + ")");
    }
    return out;
  }
}
