package io.ember.conf;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Derives {@code cluster.host} when the conf leaves it out or says {@code "auto"}: the address of
 * this machine's interface that reaches the configured members, so that nodes on different hosts
 * can share one conf. The rule ({@link #choose}, pure, so unit-tested with made-up interfaces), in
 * order, over the members in the order listed:
 * <ol>
 *   <li>a local address that is itself a member (this machine is in the join list);</li>
 *   <li>a local address on the same subnet as a member;</li>
 *   <li>the local address the OS would send to a member from (a UDP "connect": nothing is sent).</li>
 * </ol>
 * Members whose names do not resolve are skipped; if no member is reachable the conf is refused.
 * The answer is remembered per member list, so that the conf parsed again on an event loop (by the
 * node verticle) neither resolves names nor lists interfaces there.
 */
public final class ClusterHost {
  /** The value of {@code cluster.host} that asks for the derivation (also the default). */
  public static final String AUTO = "auto";

  private static final Map<List<String>, String> DERIVED = new ConcurrentHashMap<>();

  private ClusterHost() {}

  /** One address of a local interface, with its subnet's prefix length. */
  public record Local(InetAddress address, int prefixLength) {}

  /** The derived host for {@code members} (as in the conf: {@code host} or {@code host:port}). */
  static String derive(String source, List<String> members) {
    return DERIVED.computeIfAbsent(List.copyOf(members), m -> choose(resolve(m), locals(), ClusterHost::route)
        .map(a -> a.getHostAddress().replaceFirst("%.*$", "")) // an IPv6 scope (%eth0) is no part of a host
        .orElseThrow(() -> new ConfException(source + ": key 'cluster.host' is \"" + AUTO + "\" (or absent) but no interface of this"
            + " machine reaches any of cluster.members " + members + "; set cluster.host to this machine's address")));
  }

  /** The rule of the class comment; empty when no member is reachable. */
  public static Optional<InetAddress> choose(List<InetAddress> members, List<Local> locals,
      Function<InetAddress, Optional<InetAddress>> route) {
    for (InetAddress m : members) {
      for (Local l : locals) if (l.address().equals(m)) return Optional.of(l.address());
    }
    for (InetAddress m : members) {
      for (Local l : locals) if (sameSubnet(l, m)) return Optional.of(l.address());
    }
    for (InetAddress m : members) {
      Optional<InetAddress> from = route.apply(m).filter(a -> locals.stream().anyMatch(l -> l.address().equals(a)));
      if (from.isPresent()) return from;
    }
    return Optional.empty();
  }

  static boolean sameSubnet(Local local, InetAddress member) {
    byte[] a = local.address().getAddress();
    byte[] b = member.getAddress();
    if (a.length != b.length) return false;
    int bits = Math.min(local.prefixLength(), a.length * 8);
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >>> (i % 8);
      if ((a[i / 8] & mask) != (b[i / 8] & mask)) return false;
    }
    return true;
  }

  /** The host part of a member string: {@code host}, {@code host:port}, {@code [v6]:port} or a bare IPv6 literal. */
  static String hostOf(String member) {
    String m = member.trim();
    if (m.startsWith("[")) return m.substring(1, Math.max(1, m.indexOf(']')));
    int colon = m.indexOf(':');
    return colon >= 0 && colon == m.lastIndexOf(':') ? m.substring(0, colon) : m;
  }

  private static List<InetAddress> resolve(List<String> members) {
    List<InetAddress> out = new ArrayList<>();
    for (String m : members) {
      try {
        out.add(InetAddress.getByName(hostOf(m)));
      } catch (UnknownHostException e) {
        // a member that does not resolve cannot be reached: the others decide
      }
    }
    return out;
  }

  private static List<Local> locals() {
    List<Local> out = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp()) continue;
        for (InterfaceAddress ia : ni.getInterfaceAddresses()) out.add(new Local(ia.getAddress(), ia.getNetworkPrefixLength()));
      }
    } catch (SocketException e) {
      throw new ConfException("cannot list this machine's network interfaces to derive cluster.host: " + e.getMessage());
    }
    return out;
  }

  private static Optional<InetAddress> route(InetAddress member) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(member, 9);
      InetAddress from = s.getLocalAddress();
      return from == null || from.isAnyLocalAddress() ? Optional.empty() : Optional.of(from);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
