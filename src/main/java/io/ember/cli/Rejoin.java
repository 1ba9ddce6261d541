package io.ember.cli;

import io.ember.node.HazelcastSetup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * {@code node.rejoin: true}: the node runs in a child JVM that this process supervises, and a
 * child that exits fenced (code 3: it was declared dead, e.g. on the minority side of a
 * partition) is replaced by a new one, which registers as a <b>new incarnation</b> (a new node
 * id and a new epoch; the old one's state is gone with its JVM, and Redis refuses every write
 * of the old epoch, so no zombie write lands). A later incarnation that fails to start (code 1:
 * 11, 15: e.g. its member's redis-server was still resyncing from the new primary) is tried again too;
 * any other exit code, and a failed start of the first incarnation, ends the supervisor with it.
 * SIGTERM or Ctrl-C is passed on to the child (its clean stop), and the child halts if this
 * supervisor dies, so no node outlives it.
 *
 * <p>The child is the same command: this JVM's java, its JVM options and class path, {@link Main}
 * and the same arguments, with {@code -D}{@value #CHILD}{@code =<this pid>}.
 */
final class Rejoin {
  private static final Logger LOG = Logger.getLogger(Rejoin.class.getName());
  /** The system property that marks a supervised child; its value is the supervisor's pid. */
  static final String CHILD = "ember.rejoin.parent";
  static final int FENCED = 3;
  /**
   * A node that failed to start (the launcher's SOFTWARE, VERTX_INITIALIZATION, VERTX_DEPLOYMENT);
   * a new incarnation after a fence is tried again (the group may still be resyncing).
   */
  static final Set<Integer> FAILED_START = Set.of(1, 11, 15);
  /** Least time between two incarnations, so that a node fenced at once does not spin. */
  static final long MIN_GAP_MS = 1_000;

  private static volatile Process child;

  private Rejoin() {}

  /** True in a child this supervisor started; it then halts when the supervisor is gone. */
  static boolean inChild() {
    String parent = System.getProperty(CHILD);
    if (parent == null) return false;
    ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
        p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(1)),
        () -> Runtime.getRuntime().halt(1));
    return true;
  }

  /** Runs the node in child JVMs until one exits for a reason other than a fence; returns that exit code. */
  static int supervise(String[] args) {
    Signal.handle(new Signal("TERM"), sig -> forward());
    Signal.handle(new Signal("INT"), sig -> forward());
    int incarnation = 0;
    while (true) {
      long t0 = System.nanoTime();
      try {
        child = new ProcessBuilder(command(args)).inheritIO().start();
        incarnation++;
        LOG.info("node.rejoin: incarnation " + incarnation + " of this node runs as pid " + child.pid());
        int code = child.waitFor();
        if (code != FENCED && (incarnation == 1 || !FAILED_START.contains(code))) return code;
        LOG.warning("node.rejoin: pid " + child.pid() + (code == FENCED ? " was fenced" : " could not start") + " (exit " + code
            + "): starting a new incarnation");
        long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (spent < MIN_GAP_MS) TimeUnit.MILLISECONDS.sleep(MIN_GAP_MS - spent); // the supervisor's own thread, no event loop
      } catch (IOException e) {
        System.err.println("ember: node.rejoin: cannot start the node: " + e.getMessage());
        return 1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
    }
  }

  /** SIGTERM or SIGINT: the child stops cleanly (its own {@link CleanStop}); its exit code ends the supervisor. */
  private static void forward() {
    Process c = child;
    if (c == null) Runtime.getRuntime().halt(0);
    c.destroy();
    try {
      Runtime.getRuntime().halt(c.waitFor());
    } catch (InterruptedException e) {
      Runtime.getRuntime().halt(1);
    }
  }

  private static List<String> command(String[] args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-D" + CHILD + "=")) cmd.add(a);
    }
    for (String a : HazelcastSetup.JVM_ACCESS) if (!cmd.contains(a)) cmd.add(a); // -cp: the jar manifest's grants do not apply
    cmd.add("-D" + CHILD + "=" + ProcessHandle.current().pid());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }
}
