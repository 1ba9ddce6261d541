package io.ember.cluster.chaos;

import static io.ember.cluster.chaos.ChaosLog.say;

import io.ember.cluster.chaos.JobTimes.Times;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a chaos run found, as numbers a test can assert on; {@link #print} writes the summary.
 *
 * @param faults faults by kind and target ("kill -9 head", "SIGSTOP worker", ...) -> count
 * @param jobs DAG jobs; {@code calls} actor calls (and the counters' final checks)
 * @param withFaults times of the jobs that overlapped a fault (from the fault until 10 s after
 *     its victim was declared dead, resumed or replaced); {@code withoutFaults} the others
 * @param leaders term -> node name of every {@code leader} ledger entry (the first is the initial take)
 * @param stuckGets gets still blocked well past their deadline when the run ended
 * @param nodeStates rows of the node table by state at the end
 * @param stuckNodes nodes whose row and process disagree at the end (none, if every node settled)
 */
public record ChaosReport(long seed, long durationS, double faultMinutes, Map<String, Integer> faults, int missingVerdicts,
    List<String> frozenExits, int replacements, List<String> unplanned, Counts jobs, Counts calls, Map<String, Times> jobTimes,
    Times withFaults, Times withoutFaults, List<String> actorChecks, Map<Long, String> leaders, int nodeDeadEntries,
    Map<String, Integer> recoveries, long stuckGets, Map<String, Integer> nodeStates, List<String> stuckNodes,
    int harnessErrors) {

  /** Results of one kind: checked (ok or wrong), failed with a typed error by code, hung. */
  public record Counts(long ok, long wrong, long hung, Map<String, Long> failedByCode) {
    static Counts of(Tally t) {
      return new Counts(t.ok.get(), t.wrong.get(), t.hung.get(), t.failedByCode());
    }

    public long checked() {
      return ok + wrong;
    }

    long failed() {
      return failedByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
      return String.format("checked %d (ok %d, wrong %d), failed %d%s, hung %d", checked(), ok, wrong, failed(),
          failedByCode.isEmpty() ? "" : " " + failedByCode, hung);
    }
  }

  public long wrong() {
    return jobs.wrong + calls.wrong;
  }

  /** Gets that passed their deadline (here or inside a task) and gets still blocked at the end. */
  public long hung() {
    return jobs.hung + calls.hung + stuckGets;
  }

  public boolean passed() {
    return wrong() == 0 && hung() == 0;
  }

  public int faultCount() {
    return faults.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Faults whose key contains {@code word}: a kind ("kill -9", "SIGSTOP") or a target ("head", "worker"). */
  public int faultsMatching(String word) {
    return faults.entrySet().stream().filter(e -> e.getKey().contains(word)).mapToInt(Map.Entry::getValue).sum();
  }

  /** Typed errors of jobs and calls together, by code. */
  public Map<String, Long> errorsByCode() {
    Map<String, Long> out = new TreeMap<>(jobs.failedByCode);
    calls.failedByCode.forEach((k, v) -> out.merge(k, v, Long::sum));
    return out;
  }

  public int leaseChanges() {
    return leaders.size();
  }

  void print() {
    say("==== chaos soak summary (seed %d) ====", seed);
    say("duration             %d s (faults for %.1f min)", durationS, faultMinutes);
    say("faults               %d: %s; head %d, workers %d", faultCount(), faults, faultsMatching("head"), faultsMatching("worker"));
    say("  verdicts missing %d; frozen-node exit codes %s", missingVerdicts, frozenExits);
    say("nodes started        %d replacements; unplanned deaths %d %s", replacements, unplanned.size(), unplanned);
    say("DAG jobs             %s", jobs);
    jobTimes.forEach((kind, t) -> say("  %-18s %s", kind, t));
    say("  %-18s %s", "with faults", withFaults);
    say("  %-18s %s", "without faults", withoutFaults);
    say("actor calls          %s", calls);
    actorChecks.forEach(r -> say("  %s", r));
    say("typed errors         %s", errorsByCode());
    say("lease changes        %d 'leader' entries in the ledger (the first is the head's initial take) %s", leaseChanges(), leaders);
    say("node deaths          %d 'node-dead' entries in the ledger", nodeDeadEntries);
    say("recoveries           %s", recoveries);
    say("node table at end    %s; not settled %d %s", nodeStates, stuckNodes.size(), stuckNodes);
    say("harness errors       %d", harnessErrors);
    say("RESULT: wrong %d, hung %d (deadline passed %d, gets stuck at the end %d) -> %s", wrong(), hung(), jobs.hung + calls.hung,
        stuckGets, passed() ? "PASS" : "FAIL");
  }
}
