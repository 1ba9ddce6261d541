package io.ember.cluster.chaos;

import static io.ember.cluster.chaos.ChaosLog.say;
import static io.ember.testing.LocalCluster.await;

import io.ember.gcs.TaskRecord;
import io.ember.ids.TaskId;
import io.ember.testing.LocalCluster;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Explains a failed job: for every task id its error names, prints that task's row (state,
 * node and that node's name and state, attempts, owner, error), so a hung or failed get can be
 * traced without Redis's files.
 */
final class TaskRows implements Consumer<String> {
  private static final Pattern ID = Pattern.compile("\\b[0-9a-f]{32}\\b");
  private final LocalCluster cluster;

  TaskRows(LocalCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public void accept(String message) {
    Set<String> ids = new LinkedHashSet<>();
    Matcher m = ID.matcher(message);
    while (m.find()) ids.add(m.group());
    for (String id : ids) {
      try {
        TaskRecord r = await(cluster.gcs().tasks().get(TaskId.parse(id)));
        if (r == null) {
          say("    task %s: no row", id);
          continue;
        }
        String node = r.node() == null ? "-" : cluster.nameOf(r.node()) + " (" + cluster.stateOf(cluster.nameOf(r.node())) + ")";
        say("    task %s (%s): %s on %s, attempts %d, owner %s, error %s", id, r.function(), r.state(), node, r.attempts(), r.owner(),
            r.failure() == null ? "-" : r.failure().message());
      } catch (Exception e) {
        say("    task %s: its row could not be read: %s", id, e);
      }
    }
  }
}
