package io.ember.gcs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts the GCS runs, with their SHA-1 (the name Redis caches them under). The write
 * script is the only code that changes task, object and counter tables; the two admin scripts
 * are the only ones that change a node's {@code epoch} or {@code state}.
 */
final class Scripts {
  /** Applies a batch of one node's table writes, fenced on its epoch (see the .lua file). */
  static final String WRITE = resource("table-writer.lua");
  static final String WRITE_SHA = sha1(WRITE);

  /**
   * KEYS: ember:epoch, ember:node:id, ember:nodes. ARGV: id, now, then field/value pairs. A new
   * incarnation: INCR the epoch, forget any death, set the given fields, then epoch, state
   * ALIVE and startedAt (so given fields cannot override them). Returns the epoch.
   */
  static final String REGISTER = """
      local epoch = redis.call('INCR', KEYS[1])
      redis.call('HDEL', KEYS[2], 'deadAt', 'deadReason')
      if #ARGV > 2 then redis.call('HSET', KEYS[2], unpack(ARGV, 3)) end
      redis.call('HSET', KEYS[2], 'epoch', epoch, 'state', 'ALIVE', 'startedAt', ARGV[2])
      redis.call('SADD', KEYS[3], ARGV[1])
      return epoch
      """;

  /**
   * KEYS: ember:node:id. ARGV: now, reason. Marks a known node DEAD once: a second call keeps
   * the first deadAt and reason. Returns 1 if it changed the state.
   */
  static final String MARK_DEAD = """
      local state = redis.call('HGET', KEYS[1], 'state')
      if not state or state == 'DEAD' then return 0 end
      redis.call('HSET', KEYS[1], 'state', 'DEAD', 'deadAt', ARGV[1], 'deadReason', ARGV[2])
      return 1
      """;

  private Scripts() {
  }

  private static String resource(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource io/ember/gcs/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha1(String script) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
