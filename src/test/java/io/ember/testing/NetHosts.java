package io.ember.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * N "hosts" on this machine, each a network namespace of its own ({@code ember-h<i>}, address
 * {@code 10.213.0.<i+1>/24} on {@code eth0}, {@code lo} up, no default route), wired by veth pairs
 * to one bridge in a namespace of its own ({@code ember-br}): they reach one another and nothing
 * else. {@link #cut} takes a host's port on the bridge down (its packets, and everyone's packets
 * to it, are dropped silently, as a pulled cable would), {@link #heal} brings it back.
 *
 * <p>The addresses exist only inside these namespaces, and no namespace has a route out. At start
 * every namespace named {@code ember-*} left by an earlier run is swept (its processes killed,
 * the namespace deleted); {@link #close} does the same for this one's. Needs root ({@code ip netns}).
 */
public final class NetHosts implements AutoCloseable {
  static final String PREFIX = "ember-";
  static final String BRIDGE_NS = PREFIX + "br";
  private final int n;

  private NetHosts(int n) {
    this.n = n;
  }

  /** Sweeps stale namespaces, then makes {@code n} hosts and the bridge. */
  public static NetHosts create(int n) throws IOException {
    sweep();
    NetHosts h = new NetHosts(n);
    try {
      ip("netns", "add", BRIDGE_NS);
      ip("-n", BRIDGE_NS, "link", "add", "br0", "type", "bridge", "forward_delay", "0", "stp_state", "0");
      ip("-n", BRIDGE_NS, "link", "set", "br0", "up");
      for (int i = 0; i < n; i++) {
        String ns = h.ns(i);
        ip("netns", "add", ns);
        ip("-n", ns, "link", "set", "lo", "up");
        ip("link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port(i), "netns", BRIDGE_NS);
        ip("-n", BRIDGE_NS, "link", "set", port(i), "master", "br0", "up");
        ip("-n", ns, "addr", "add", h.address(i) + "/24", "dev", "eth0");
        ip("-n", ns, "link", "set", "eth0", "up");
      }
      return h;
    } catch (IOException | RuntimeException e) {
      h.close();
      throw e;
    }
  }

  public int size() {
    return n;
  }

  /** The namespace of host {@code i}. */
  public String ns(int i) {
    return PREFIX + "h" + i;
  }

  /** Host {@code i}'s only address. */
  public String address(int i) {
    return "10.213.0." + (i + 1);
  }

  private static String port(int i) {
    return "b" + i;
  }

  /** {@code cmd} run inside host {@code i}'s namespace. */
  public List<String> exec(int i, List<String> cmd) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns(i)));
    all.addAll(cmd);
    return all;
  }

  /** Cuts host {@code i} off: its bridge port goes down. */
  public void cut(int i) throws IOException {
    ip("-n", BRIDGE_NS, "link", "set", port(i), "down");
  }

  /** Reconnects host {@code i}. */
  public void heal(int i) throws IOException {
    ip("-n", BRIDGE_NS, "link", "set", port(i), "up");
  }

  /** Kills every process left in this fixture's namespaces (group redis-servers and sentinels are detached), deletes them. */
  @Override
  public void close() {
    for (int i = 0; i < n; i++) remove(ns(i));
    remove(BRIDGE_NS);
  }

  /** Removes every {@code ember-*} namespace (a crashed earlier run's), killing what runs in it. */
  public static void sweep() throws IOException {
    for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
      String name = line.trim().split("\\s+")[0];
      if (name.startsWith(PREFIX)) remove(name);
    }
  }

  private static void remove(String ns) {
    try {
      for (String pid : run(List.of("ip", "netns", "pids", ns)).split("\\s+")) {
        if (!pid.isBlank()) ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
      run(List.of("ip", "netns", "del", ns));
    } catch (IOException | RuntimeException e) {
      // not there (or already gone): nothing to remove
    }
  }

  private static void ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    run(cmd);
  }

  /** Runs {@code cmd}, returns its output; fails naming the command if it exits non-zero. */
  static String run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": no exit within 10 s");
      }
      if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out.trim());
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }
}
