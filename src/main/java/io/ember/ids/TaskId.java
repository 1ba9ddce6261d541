package io.ember.ids;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A task's identity: 128 bits derived deterministically from the submitter's id and a
 * submission counter. Re-running a driver or re-executing a task regenerates the same ids, so
 * finished work is found rather than redone and a reconstructed object keeps the id that
 * everyone already holds.
 */
public record TaskId(long hi, long lo) {

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  /** The root id of a job's driver: every id in the job descends from it. */
  public static TaskId driverOf(JobId job) {
    return derive(job.hi(), job.lo(), -1L, (byte) 'D');
  }

  /** The id of the {@code counter}-th submission (task or put) made by {@code parent}. */
  public static TaskId child(TaskId parent, long counter) {
    return derive(parent.hi, parent.lo, counter, (byte) 'T');
  }

  private static TaskId derive(long hi, long lo, long counter, byte kind) {
    MessageDigest md = SHA256.get();
    ByteBuffer in = ByteBuffer.allocate(25).putLong(hi).putLong(lo).putLong(counter).put(kind);
    byte[] d = md.digest(in.array());
    ByteBuffer out = ByteBuffer.wrap(d);
    return new TaskId(out.getLong(), out.getLong());
  }

  public static TaskId parse(String hex) {
    if (hex == null || hex.length() != 32) {
      throw new IllegalArgumentException("a task id is 32 hex digits, got '" + hex + "'");
    }
    try {
      return new TaskId(Long.parseUnsignedLong(hex, 0, 16, 16), Long.parseUnsignedLong(hex, 16, 32, 16));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a task id is 32 hex digits, got '" + hex + "'");
    }
  }

  /** A fresh random id, for ad-hoc drivers that did not name their job. */
  static TaskId hashOf(String text) {
    byte[] d = SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    ByteBuffer out = ByteBuffer.wrap(d);
    return new TaskId(out.getLong(), out.getLong());
  }

  @Override
  public String toString() {
    HexFormat h = HexFormat.of();
    return h.toHexDigits(hi) + h.toHexDigits(lo);
  }
}
