package io.ember.object;

import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/** Helpers shared by this package's tests: ids, reproducible bytes, bounded waits. */
final class TestBytes {
  private TestBytes() {
  }

  static ObjectId id(int n) {
    return ObjectId.of(new TaskId(0x5eed, n), n % 3);
  }

  /** {@code size} pseudo-random bytes, the same for the same seed. */
  static Buffer random(int size, long seed) {
    byte[] bytes = new byte[size];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < size; i += 8) {
      long v = rnd.nextLong();
      for (int j = 0; j < 8 && i + j < size; j++) {
        bytes[i + j] = (byte) (v >>> (8 * j));
      }
    }
    return Buffer.buffer(bytes);
  }

  static long checksum(Buffer buffer) {
    CRC32C crc = new CRC32C();
    crc.update(buffer.getBytes());
    return crc.getValue();
  }

  /** Waits at most 20 s; rethrows the Future's failure as is. */
  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) throw cause;
      throw e;
    }
  }

  /** Polls until the condition holds or the deadline passes. */
  static void eventually(BooleanSupplier condition, long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + timeoutMs + " ms");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the poll interval
    }
  }
}
