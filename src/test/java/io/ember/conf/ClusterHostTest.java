package io.ember.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.conf.ClusterHost.Local;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** How a node picks its cluster.host from its interfaces when the conf says "auto" (made-up interface lists). */
class ClusterHostTest {
  private static final Local LOOPBACK = local("127.0.0.1", 8);
  private static final Local DOCKER = local("172.17.0.1", 16);
  private static final Local LAN = local("10.1.2.7", 24);
  private static final Local VPN = local("100.64.3.9", 10);
  private static final List<Local> HOST = List.of(LOOPBACK, DOCKER, LAN, VPN);
  private static final Function<InetAddress, Optional<InetAddress>> NO_ROUTE = m -> Optional.empty();

  private static Local local(String ip, int prefix) {
    return new Local(ip(ip), prefix);
  }

  private static InetAddress ip(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<InetAddress> members(String... ips) {
    List<InetAddress> out = new ArrayList<>();
    for (String m : ips) out.add(ip(m));
    return out;
  }

  private static String choose(List<InetAddress> members, Function<InetAddress, Optional<InetAddress>> route) {
    return ClusterHost.choose(members, HOST, route).map(InetAddress::getHostAddress).orElse("none");
  }

  @Test
  void workersSharingOneConfEachPickTheirOwnAddressOnTheMembersSubnet() {
    List<InetAddress> members = members("10.1.2.3", "10.1.2.4");
    assertEquals("10.1.2.7", choose(members, NO_ROUTE));
    List<Local> otherWorker = List.of(LOOPBACK, DOCKER, local("10.1.2.8", 24));
    assertEquals(Optional.of(ip("10.1.2.8")), ClusterHost.choose(members, otherWorker, NO_ROUTE));
  }

  @Test
  void aMachineListedAmongTheMembersUsesThatAddress() {
    assertEquals("100.64.3.9", choose(members("100.64.3.9", "10.1.2.3"), NO_ROUTE));
  }

  @Test
  void loopbackMembersGiveLoopback() {
    assertEquals("127.0.0.1", choose(members("127.0.0.1"), NO_ROUTE));
  }

  @Test
  void aMemberOnAnotherSubnetIsReachedThroughTheAddressTheSystemRoutesFrom() {
    Function<InetAddress, Optional<InetAddress>> route = m -> Optional.of(ip("10.1.2.7"));
    assertEquals("10.1.2.7", choose(members("192.168.50.5"), route));
    assertEquals("none", choose(members("192.168.50.5"), m -> Optional.of(ip("192.168.9.9"))), "a route from no local address is ignored");
    assertEquals("none", choose(members("192.168.50.5"), NO_ROUTE));
  }

  @Test
  void theSubnetIsComparedBitByBitToThePrefixLength() {
    assertTrue(ClusterHost.sameSubnet(VPN, ip("100.127.255.1")), "100.64.0.0/10 reaches 100.127.x");
    assertTrue(!ClusterHost.sameSubnet(VPN, ip("100.128.0.1")), "but not 100.128.x");
    assertTrue(!ClusterHost.sameSubnet(LAN, ip("::1")), "IPv4 and IPv6 never match");
  }

  @Test
  void theHostOfAMemberStringIsFoundWithOrWithoutAPort() {
    for (Map.Entry<String, String> e : Map.of("10.0.0.1:5701", "10.0.0.1", "node-3", "node-3", "[fe80::1]:5701", "fe80::1",
        "fe80::1", "fe80::1").entrySet()) {
      assertEquals(e.getValue(), ClusterHost.hostOf(e.getKey()), e.getKey());
    }
  }

  @Test
  void aConfWithoutHostDerivesItAndOneThatReachesNoMemberIsRefusedNamingTheKey() {
    EmberConf loop = EmberConf.from("w.json", new JsonObject().put("cluster", new JsonObject().put("members", new JsonArray().add("127.0.0.1:5701"))));
    assertEquals("127.0.0.1", loop.cluster().host());
    ConfException e = assertThrows(ConfException.class, () -> EmberConf.from("w.json",
        new JsonObject().put("cluster", new JsonObject().put("host", "auto").put("members", new JsonArray().add("no-such-host.invalid")))));
    assertTrue(e.getMessage().startsWith("w.json: key 'cluster.host'"), e.getMessage());
  }
}
