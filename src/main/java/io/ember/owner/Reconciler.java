package io.ember.owner;

import io.ember.gcs.TaskRecord;
import io.ember.gcs.TaskState;
import io.ember.gcs.TaskTable;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.monitor.ClusterView;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The owner's convergence check: whatever message was lost, every task this client owns ends.
 * About every {@link #ROUND_MS} ms, each pending task not heard of for {@link #STALE_MS} ms is
 * compared with its row in the task table, and handed to {@link ObjectRecovery} when the row
 * says it will not end by itself:
 * <ul>
 *   <li>no row: no scheduler ever held it (its submission was lost): it is submitted again;</li>
 *   <li>{@code LOST}: a verdict this client missed: it is re-run;</li>
 *   <li>{@code FINISHED} or {@code FAILED}: its answer was lost on the way: the result's live
 *       copy (or its failure) completes it, or it is re-run if no copy is left;</li>
 *   <li>on a node this client knows is dead, or has not heard of for {@value #SILENT_MS} ms:
 *       claimed, and re-run unless Redis still says the node is ALIVE (then it is looked at
 *       again later).</li>
 * </ul>
 * A task the table says is running on a live node is left alone (its answer will come, or its
 * node's death will be declared). One queued on a live node under this client is not re-run,
 * but its spec is sent to that node again, at the row's attempt ({@link #nudge}): a node that
 * holds that attempt drops the copy (it remembers the attempts it was handed), and a node the
 * row names but that never got it (a claim whose reply was lost, a submission record that
 * landed while the hand-off did not) runs it. So a QUEUED row is never taken on trust for
 * ever. A task whose answer the completion check refused (the table did not name the node that
 * sent it) is handed to recovery whatever its row says: after Redis came back behind, a row can
 * say QUEUED or RUNNING on a live node for ever while that node has long finished it and written
 * back only its result's copy; the claim finds that copy ({@code EXISTS}) and completes it. It
 * also puts right the table after a verdict that named as lost a task whose
 * result had already arrived here: that row says {@code FINISHED}, not {@code LOST}.
 *
 * <p>Never: claims a task the table says is in progress on a live node, or reads more than
 * {@link #MAX_PER_ROUND} rows a round.
 */
public final class Reconciler {
  public static final long ROUND_MS = 1_000;
  static final long STALE_MS = 5_000;
  static final int MAX_PER_ROUND = 256;
  static final long SILENT_MS = 5_000;
  /**
   * Every this many checks of one pending task, a row that says it is in progress on a node this
   * client thinks live is not trusted on this client's view alone: the claim asks Redis (the
   * node's own row, and a live copy of the result), which is read-only while both say it goes
   * on. This client's view can miss a node's departure (a verdict that never reached it, a node
   * it never heard from), and nudging a node that has left would go on for ever.
   */
  static final int CLAIM_EVERY = 3;

  /** The task table as this check reads and corrects it. */
  public interface Rows {
    Future<TaskRecord> row(TaskId task);

    /** The owner got the result of a task a verdict then called lost: the row says FINISHED again. */
    Future<Boolean> delivered(TaskId task);

    /** Over the GCS task table: the one adapter to change when it moves. */
    static Rows of(TaskTable table) {
      return new Rows() {
        @Override
        public Future<TaskRecord> row(TaskId task) {
          return table.get(task);
        }

        @Override
        public Future<Boolean> delivered(TaskId task) {
          return table.delivered(task);
        }
      };
    }
  }

  private final OwnedTasks tasks;
  private final Rows rows;
  private final Predicate<NodeId> knownDead;
  private final ObjectRecovery recovery;
  private final ObjectRecovery.Submitter submitter;
  private final ClientId self;
  private final long timeoutMs;
  private final Clock clock;

  /** @param submitter sends a spec to a node's scheduler (acknowledged), for {@link #nudge} */
  public Reconciler(ClientId self, OwnedTasks tasks, Rows rows, Predicate<NodeId> knownDead, ObjectRecovery recovery,
      ObjectRecovery.Submitter submitter, long timeoutMs, Clock clock) {
    this.self = self;
    this.tasks = tasks;
    this.rows = rows;
    this.knownDead = knownDead;
    this.recovery = recovery;
    this.submitter = submitter;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
  }

  /** One round: compares the stale pending tasks with the table. */
  public void round() {
    long now = clock.millis();
    for (TaskId task : tasks.dueForCheck(now, STALE_MS, MAX_PER_ROUND)) {
      rows.row(task).onSuccess(row -> {
        String why = whyRecover(row, knownDead);
        if (why == null && tasks.wasAnswerRefused(task)) why = "a node's answer was refused and the row says " + row.state();
        if (why == null && tasks.checksOf(task) % CLAIM_EVERY == 0) why = "its row has said " + row.state() + " on " + row.node()
            + " for " + CLAIM_EVERY + " checks";
        if (why != null) recovery.recoverPending(task, "owner's check: " + why, clock.millis() + timeoutMs);
        else nudge(task, row);
      });
    }
  }

  /**
   * The row says {@code task} is queued on a live node: its spec goes to that node again at the
   * row's attempt, unless another client claimed it (its row names that owner). Held there
   * already: dropped as a copy. Never received: run. A RUNNING row is left alone: only the node
   * that runs a task writes it. QUEUED is also written by others (a forwarder, a claimer) before
   * the node got it.
   */
  private void nudge(TaskId task, TaskRecord row) {
    TaskSpec spec = tasks.specOf(task);
    if (spec == null || row == null || row.node() == null || row.state() == TaskState.RUNNING) return; // RUNNING: written by its holder
    if (row.owner() != null && !row.owner().equals(self)) return;
    submitter.submit(row.node(), spec.ownedBy(self, row.attempts()));
  }

  /**
   * A node this client's view has declared dead, or whose scheduler it has not heard for
   * {@value #SILENT_MS} ms (a verdict this client missed). Only a hint: the claim asks Redis,
   * and a node still ALIVE there keeps its task.
   */
  public static Predicate<NodeId> deadOrSilent(ClusterView view, Clock clock) {
    return node -> {
      ClusterView.Peer p = view.find(node);
      return p != null && (p.dead || (p.schedulerSeenAt > 0 && clock.millis() - p.schedulerSeenAt > SILENT_MS));
    };
  }

  /** Why a pending task's row says it will not end by itself, or null if it may. */
  static String whyRecover(TaskRecord row, Predicate<NodeId> knownDead) {
    if (row == null) return "no scheduler recorded it";
    TaskState s = row.state();
    return switch (s) {
      case LOST -> "the task table says LOST";
      case FINISHED, FAILED -> "the task table says " + s + " but its answer never arrived";
      case PENDING -> row.node() == null ? "no scheduler holds it" : onNode(row, knownDead);
      case QUEUED, RUNNING -> onNode(row, knownDead);
    };
  }

  private static String onNode(TaskRecord row, Predicate<NodeId> knownDead) {
    return row.node() != null && knownDead.test(row.node()) ? "its node " + row.node() + " is dead" : null;
  }

  /** A verdict named {@code lost} tasks: those whose results this client already has say FINISHED again. */
  public void afterVerdict(Set<TaskId> lost) {
    for (TaskId task : lost) {
      if (tasks.delivered(task)) rows.delivered(task);
    }
  }
}
