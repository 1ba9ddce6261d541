package io.ember.node;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * This node's fence: once it learns it was declared dead (Redis refused its writes, or the
 * acting monitor's verdict names it), it stops acting, once. By default the process exits with
 * code 3 so that a supervisor starts a new incarnation; tests and in-process nodes may install
 * another action. Never un-fences: an incarnation that was declared dead never serves again.
 */
public final class Fence {
  private static final Logger LOG = Logger.getLogger(Fence.class.getName());

  /** The default action: log once and halt (a dead incarnation must not run shutdown hooks that write). */
  public static final Consumer<String> EXIT = why -> {
    LOG.severe("node fenced: " + why + "; exiting");
    Runtime.getRuntime().halt(3);
  };

  private final AtomicBoolean fenced = new AtomicBoolean();
  private volatile Consumer<String> action;

  public Fence(Consumer<String> action) {
    this.action = action;
  }

  /** Replaces what happens when the node is fenced (before it is). */
  public void onFenced(Consumer<String> action) {
    this.action = action;
  }

  /** This node was declared dead: run the action, the first time only. */
  public void fence(String why) {
    if (fenced.compareAndSet(false, true)) action.accept(why);
  }

  public boolean isFenced() {
    return fenced.get();
  }
}
