package io.ember.ids;

import java.util.UUID;

/**
 * A job's identity. A job submitted by name gets the same id every time it is (re)started, so
 * a restarted driver regenerates the same task and object ids and reuses finished results.
 */
public record JobId(long hi, long lo) {

  public static JobId named(String name) {
    TaskId h = TaskId.hashOf("job:" + name);
    return new JobId(h.hi(), h.lo());
  }

  public static JobId random() {
    UUID u = UUID.randomUUID();
    return new JobId(u.getMostSignificantBits(), u.getLeastSignificantBits());
  }

  public static JobId parse(String hex) {
    TaskId t = TaskId.parse(hex);
    return new JobId(t.hi(), t.lo());
  }

  @Override
  public String toString() {
    return new TaskId(hi, lo).toString();
  }
}
