package io.ember.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.ember.conf.EmberConf;
import io.ember.security.ClusterSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Hazelcast configuration of a node, from its conf: TCP-IP join on the listed members (never
 * multicast), bound to the configured interface, no phone-home, no 5-second wait before
 * joining (FIELD-NOTES: that wait alone doubles the join time), and member heartbeats of 1 s / 5 s.
 */
public final class HazelcastSetup {
  private HazelcastSetup() {}

  /**
   * The access to JDK internals Hazelcast asks for (it warns at start without it), as the jar's
   * manifest grants it ({@code Add-Opens}, {@code Add-Exports}): for node JVMs started with
   * {@code -cp}, where the manifest does not apply.
   */
  public static final List<String> JVM_ACCESS = List.of("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.management/sun.management=ALL-UNNAMED", "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED");

  // Held so that the level is not lost when the logger is garbage-collected.
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  /**
   * A Vert.x builder for a member of the cluster {@code c} describes: its event bus on c's host and
   * bus port, Hazelcast configured as here. Nodes and user JVMs that join them both use it.
   */
  public static VertxBuilder vertxBuilder(EmberConf.Cluster c, VertxOptions options) {
    return vertxBuilder(c, options, ClusterSecurity.resolve(c));
  }

  /**
   * As above, with the cluster secret's keys given: the event bus runs TLS with client
   * certificates derived from it (unless {@code cluster.tls} is false), and this JVM is marked as
   * a member of that cluster, so a driver in it reaches Redis and transfer ports with the same keys.
   */
  public static VertxBuilder vertxBuilder(EmberConf.Cluster c, VertxOptions options, ClusterSecurity security) {
    options.getEventBusOptions().setHost(c.host()).setPort(c.busPort());
    security.tls().ifPresent(tls -> tls.applyTo(options.getEventBusOptions()));
    ClusterSecurity.joined(security);
    return Vertx.builder().with(options).withClusterManager(clusterManager(c));
  }

  public static HazelcastClusterManager clusterManager(EmberConf.Cluster c) {
    HAZELCAST_LOG.setLevel(Level.WARNING);
    return new HazelcastClusterManager(config(c));
  }

  public static Config config(EmberConf.Cluster c) {
    Config cfg = ConfigUtil.loadConfig();
    cfg.setClusterName(c.name());
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty("hazelcast.socket.bind.any", "false");
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.logging.type", "jdk");
    // A frozen member still owns partitions of the event bus's subscription map: until Hazelcast
    // drops it, routing to an address not yet cached blocks. Its defaults (5 s / 60 s) would stall
    // such sends for a minute after a SIGSTOP; 1 s / 5 s bound the stall to ~5 s (FIELD-NOTES).
    // Ember's own heartbeats, not these, decide that a node is dead.
    cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    // After a partition heals, Hazelcast merges the split clusters only at its split-brain check
    // (defaults: first after 300 s, then every 120 s); until then both sides run apart. 5 s each.
    cfg.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    cfg.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(c.port()).setPortAutoIncrement(c.portAutoIncrement());
    net.getInterfaces().setEnabled(true).setInterfaces(List.of(c.host()));
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(c.members());
    return cfg;
  }
}
