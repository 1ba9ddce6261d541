package io.ember.scheduler;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A task's return value as the objects it creates: one, or for {@code numReturns} n > 1 each
 * element of the {@code Object[]} or {@code List} of exactly n elements the function returned.
 * Anything else fails typed ({@code ARGUMENT_MISMATCH}), as does a value larger than the largest
 * object ({@code OBJECT_TOO_LARGE}).
 */
final class Returns {
  private Returns() {}

  static List<Buffer> encode(TaskSpec spec, Object result, long maxObjectBytes) {
    int n = spec.numReturns();
    if (n == 1) return List.of(checked(spec, Values.encode(result), maxObjectBytes));
    List<?> values = result instanceof Object[] a ? Arrays.asList(a) : result instanceof List<?> l ? l : null;
    if (values == null || values.size() != n) {
      throw new EmberException(ErrorCode.ARGUMENT_MISMATCH, spec.function() + " must return an Object[] or a List of " + n
          + " values (numReturns " + n + "), returned " + shape(result));
    }
    List<Buffer> out = new ArrayList<>(n);
    for (Object v : values) out.add(checked(spec, Values.encode(v), maxObjectBytes));
    return out;
  }

  private static String shape(Object result) {
    if (result instanceof Object[] a) return "an array of " + a.length;
    if (result instanceof List<?> l) return "a list of " + l.size();
    return result == null ? "null" : "a " + result.getClass().getName();
  }

  private static Buffer checked(TaskSpec spec, Buffer bytes, long maxObjectBytes) {
    if (bytes.length() > maxObjectBytes) {
      throw new EmberException(ErrorCode.OBJECT_TOO_LARGE, spec.function() + " returned " + bytes.length()
          + " bytes; the maximum object size is " + maxObjectBytes + " (objects.maxObjectMb)");
    }
    return bytes;
  }
}
