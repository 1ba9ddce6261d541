package io.ember.security;

import io.ember.conf.ConfException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one cluster secret every key of Ember's transport and Redis is derived from
 * ({@link #derive}: HMAC-SHA256 of the secret over a label). Where it comes from, first found
 * wins: the conf's {@code cluster.secret}; the environment variable {@value #ENV}; the file
 * {@code cluster.secretFile} (default {@code <node.dataDir>/cluster.secret}), which is created
 * with a fresh random secret (owner-only, 0600) if it does not exist yet, atomically, so two
 * nodes starting at once on one machine end up with the same one.
 *
 * <p>Must never show the secret or anything derived from it: {@link #toString} names only where
 * it came from, and no error message quotes it.
 */
public final class ClusterSecret {
  /** The environment variable that may hold the secret. */
  public static final String ENV = "EMBER_CLUSTER_SECRET";
  /** Shortest secret accepted, in characters (a generated one has 43). */
  public static final int MIN_CHARS = 16;

  private final byte[] key;
  private final String origin;

  private ClusterSecret(String secret, String origin) {
    this.key = secret.getBytes(StandardCharsets.UTF_8);
    this.origin = origin;
  }

  /** A secret given as text (a test fixture's, or a conf's); checked for length. */
  public static ClusterSecret of(String secret, String origin) {
    String s = secret.strip();
    if (s.length() < MIN_CHARS) {
      throw new SecretException("the cluster secret from " + origin + " is too short (" + s.length() + " characters; at least "
          + MIN_CHARS + " are needed)");
    }
    return new ClusterSecret(s, origin);
  }

  /**
   * The secret, from the first of {@code inConf}, {@code inEnv}, {@code file} that is set (the
   * file created if missing). Blocking (file IO): call it at start-up, never on an event loop.
   */
  public static ClusterSecret resolve(String inConf, String inEnv, Path file) {
    if (inConf != null) return of(inConf, "the conf (cluster.secret)");
    if (inEnv != null && !inEnv.isBlank()) return of(inEnv, "the environment (" + ENV + ")");
    try {
      if (!Files.exists(file)) create(file);
      return of(Files.readString(file, StandardCharsets.UTF_8), "the file " + file);
    } catch (IOException e) {
      throw new SecretException("cannot read or create the cluster secret file " + file + ": " + e.getMessage());
    }
  }

  /**
   * Writes a fresh secret to a private temporary file next to {@code file}, then links it into
   * place: the link fails if another process made the file first, and then that one is used.
   * Readers never see a partly written file.
   */
  static void create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + "\n";
    Path tmp = Files.createTempFile(dir, ".cluster-secret", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, secret, StandardCharsets.UTF_8);
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException raced) {
      // another node on this machine created it first: theirs is the secret
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** HMAC-SHA256(secret, label): 32 bytes; a different label gives an unrelated key. */
  public byte[] derive(String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Where the secret came from, for one log line (never the secret). */
  public String origin() {
    return origin;
  }

  @Override
  public String toString() {
    return "ClusterSecret(from " + origin + ")";
  }

  /** The secret cannot be had: its file is unreadable, or it is too short. Never quotes the secret. */
  public static final class SecretException extends ConfException {
    public SecretException(String message) {
      super(message);
    }
  }
}
