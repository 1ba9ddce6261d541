package io.ember.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds free loopback ports for local clusters (the benchmark's and the tests'). */
public final class Ports {
  private Ports() {}

  /** The first of {@code count} consecutive ports that are free on loopback right now. */
  public static int freeRange(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20000 + (int) (Math.random() * 30000);
      if (allFree(base, count)) return base;
    }
    throw new IOException("no free range of " + count + " ports");
  }

  private static boolean allFree(int base, int count) {
    for (int p = base; p < base + count; p++) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
      } catch (IOException busy) {
        return false;
      }
    }
    return true;
  }
}
