package io.ember.api;

/**
 * Holds the Ember a thread acts for: the running task's on worker threads, or the process
 * default set by the runtime. The API package depends on no runtime class; the runtime fills
 * this in.
 */
public final class Current {
  private static final ThreadLocal<Ember> THREAD = new ThreadLocal<>();
  private static volatile Ember processDefault;

  private Current() {}

  public static Ember get() {
    Ember e = THREAD.get();
    return e != null ? e : processDefault;
  }

  /** The Ember of the task or actor call running on this thread; null outside them. */
  public static Ember forThread() {
    return THREAD.get();
  }

  public static void setForThread(Ember ember) {
    if (ember == null) THREAD.remove();
    else THREAD.set(ember);
  }

  public static void setProcessDefault(Ember ember) {
    processDefault = ember;
  }
}
