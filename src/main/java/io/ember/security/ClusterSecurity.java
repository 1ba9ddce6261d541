package io.ember.security;

import io.ember.conf.EmberConf;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * What a JVM holding the cluster secret uses: the TLS identity for the event bus and the
 * transfer port (none when {@code cluster.tls} is false), the key that tags UDP heartbeats, and
 * the password of Ember's own Redis. All are derived from the one {@link ClusterSecret}, so a
 * driver holding the secret needs nothing sent to it.
 *
 * <p>{@link #resolve} is cached per conf (the secret file is read, or created, once per JVM);
 * {@link #joined} is the security of the cluster this JVM joined last, for the code that has a
 * Vert.x but no conf (a driver's connection to Redis and to transfer ports). One JVM is a member
 * of one cluster. Never logs the secret or a derived key.
 */
public final class ClusterSecurity {
  private static final Logger LOG = Logger.getLogger(ClusterSecurity.class.getName());
  private static final Map<Key, ClusterSecurity> RESOLVED = new ConcurrentHashMap<>();
  private static volatile ClusterSecurity joined;

  private record Key(String inConf, String inEnv, Path file, boolean tls) {
    @Override
    public String toString() {
      return "Key(" + file + ", tls " + tls + ")";
    }
  }

  private final ClusterSecret secret;
  private final ClusterTls tls;

  private ClusterSecurity(ClusterSecret secret, boolean tls) {
    this.secret = secret;
    this.tls = tls ? ClusterTls.derive(secret) : null;
  }

  public static ClusterSecurity of(ClusterSecret secret, boolean tls) {
    return new ClusterSecurity(secret, tls);
  }

  /** The security the conf's cluster section gives (secret resolved as {@link ClusterSecret#resolve} says). Blocking, once. */
  public static ClusterSecurity resolve(EmberConf.Cluster c) {
    Key key = new Key(c.secret(), System.getenv(ClusterSecret.ENV), c.secretFile(), c.tls());
    return RESOLVED.computeIfAbsent(key, k -> {
      ClusterSecurity s = new ClusterSecurity(ClusterSecret.resolve(k.inConf(), k.inEnv(), k.file()), k.tls());
      LOG.info("cluster secret from " + s.secret.origin() + "; event bus and object transfers "
          + (k.tls() ? "over TLS 1.3 with client certificates" : "in clear text (cluster.tls is false)"));
      return s;
    });
  }

  /** Marks {@code s} as the cluster this JVM is a member of (see the class comment). */
  public static void joined(ClusterSecurity s) {
    joined = s;
  }

  /** The security of the cluster this JVM joined last, if it joined one through {@code HazelcastSetup}. */
  public static Optional<ClusterSecurity> joined() {
    return Optional.ofNullable(joined);
  }

  /** The TLS identity of the cluster this JVM joined, or null (none joined, or TLS off). */
  public static ClusterTls joinedTls() {
    return joined().flatMap(ClusterSecurity::tls).orElse(null);
  }

  /** The TLS identity, if TLS is on. */
  public Optional<ClusterTls> tls() {
    return Optional.ofNullable(tls);
  }

  /** The password of Ember's own Redis (embedded, group members and their sentinels): 64 hex digits. */
  public String redisPassword() {
    return HexFormat.of().formatHex(secret.derive("ember redis password"));
  }

  /** The password for the conf's Redis: {@code redis.password} if given ("" = none), else {@link #redisPassword}. */
  public String redisPasswordFor(EmberConf.Redis r) {
    return r.password() != null ? r.password() : redisPassword();
  }

  /**
   * The dashboard's access token (hex, 64 digits): whoever holds it reads the cluster's state over
   * HTTP. Derived, so every node and the CLI compute the same one; never logged by a node.
   */
  public String dashboardToken() {
    return HexFormat.of().formatHex(secret.derive("ember dashboard token"));
  }

  /** The key that tags UDP heartbeats (HMAC-SHA256). */
  public byte[] heartbeatKey() {
    return secret.derive("ember heartbeat hmac");
  }

  @Override
  public String toString() {
    return "ClusterSecurity(" + secret + ", tls " + (tls != null) + ")";
  }
}
