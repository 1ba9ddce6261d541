package io.ember.cli;

import io.ember.node.NodeAssembly;
import io.ember.node.NodeVerticle;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * How a node process ends on SIGTERM (or Ctrl-C): the node leaves the cluster cleanly
 * ({@link NodeAssembly#leave}) and the process exits 0 within {@value #DEADLINE_MS} ms. The
 * JVM's own shutdown never starts for these signals: it would run the Vert.x launcher's hook,
 * which waits in {@code closeVertx} for up to two minutes. Once the node has left (its work
 * moved, everything it owns closed) the process halts; there is nothing left that a shutdown
 * hook should do. A second signal halts at once.
 *
 * <p>Never: exits 0 when the leave failed or ran out of time (exit code 1 then).
 */
final class CleanStop {
  private static final Logger LOG = Logger.getLogger(CleanStop.class.getName());
  /** How long running tasks may go on once a stop begins. */
  static final long GRACE_MS = 2_000;
  /** The whole stop, from the signal to the exit. */
  static final long DEADLINE_MS = 4_500;

  private static final AtomicBoolean STOPPING = new AtomicBoolean();

  private CleanStop() {}

  /** Handles SIGTERM and SIGINT from now on; {@code node} is the node verticle (null until the launcher made it). */
  static void install(Supplier<NodeVerticle> node) {
    SignalHandler handler = sig -> stop(node.get(), "SIG" + sig.getName());
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
  }

  /** On the signal's own thread (the JVM starts one per signal): blocking here blocks no event loop. */
  private static void stop(NodeVerticle verticle, String signal) {
    if (!STOPPING.compareAndSet(false, true)) {
      LOG.warning(signal + " while stopping: exiting now");
      Runtime.getRuntime().halt(1);
    }
    NodeAssembly node = verticle == null ? null : verticle.node();
    if (node == null) {
      LOG.info(signal + " before the node was up: exiting");
      Runtime.getRuntime().halt(0);
    }
    long t0 = System.nanoTime();
    int code = 1;
    try {
      node.leave(GRACE_MS).toCompletionStage().toCompletableFuture().get(DEADLINE_MS, TimeUnit.MILLISECONDS);
      LOG.info("node " + node.nodeId() + " stopped cleanly (" + signal + ") in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
      code = 0;
    } catch (TimeoutException e) {
      LOG.warning("node " + node.nodeId() + " did not finish leaving within " + DEADLINE_MS + " ms (" + signal + "); exiting anyway");
    } catch (ExecutionException e) {
      LOG.warning("node " + node.nodeId() + " could not leave cleanly (" + signal + "): " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().halt(code);
  }
}
