package io.ember.testing;

import io.ember.api.Remote;

/** Functions the integration tests register through the conf key {@code functions}. */
public final class TestFns {
  private TestFns() {}

  /** Which node ran this: proves placement. */
  @Remote
  public static String whereAmI() {
    return System.getProperty("ember.conf.source");
  }

  @Remote
  public static long addSlow(long a, long b, int ms) {
    java.util.concurrent.locks.LockSupport.parkNanos(ms * 1_000_000L); // simulated work
    return a + b;
  }

  /** Not @Remote: registration must refuse to run it. */
  public static long secret() {
    return 42;
  }
}
