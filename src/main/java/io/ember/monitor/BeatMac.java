package io.ember.monitor;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tags a heartbeat's text with a truncated HMAC-SHA256 (16 bytes, hex) and checks tags: the
 * pure half of {@link HeartbeatChannel}'s authentication, unit-tested apart. Comparison is in
 * constant time. Never logs the key.
 */
final class BeatMac {
  static final int TAG_BYTES = 16;

  private final SecretKeySpec key;

  BeatMac(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** {@code text + " " + tag}. */
  String seal(String text) {
    return text + " " + HexFormat.of().formatHex(tag(text));
  }

  /**
   * The fields of a sealed datagram {@code <node> <epoch> <seq>} if its tag is valid and the
   * epoch and sequence number are numbers; null otherwise.
   */
  String[] open(String datagram) {
    int last = datagram.lastIndexOf(' ');
    if (last <= 0) return null;
    String text = datagram.substring(0, last);
    byte[] given;
    try {
      given = HexFormat.of().parseHex(datagram.substring(last + 1));
    } catch (IllegalArgumentException notHex) {
      return null;
    }
    if (!MessageDigest.isEqual(given, tag(text))) return null;
    String[] f = text.split(" ");
    if (f.length != 3 || !f[1].matches("\\d{1,18}") || !f[2].matches("\\d{1,18}")) return null;
    return f;
  }

  private byte[] tag(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] full = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[TAG_BYTES];
      System.arraycopy(full, 0, out, 0, TAG_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
