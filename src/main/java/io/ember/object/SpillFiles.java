package io.ember.object;

import io.ember.ids.ObjectId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The spill directory of one {@link ObjectStore}: one file per object, named by the object id.
 *
 * <p>Responsible for the file I/O only, always on Vert.x worker threads, and for running the
 * writes and deletes of one id strictly one after another, so that a delete (or a stale spill)
 * can never remove the file of a later spill of the same id. Reads are not serialised: a read
 * that loses a race with a delete simply fails.
 *
 * <p>Must never decide what to spill or keep: {@link #write} asks its caller, inside the
 * serialised step, whether the file it has just written is still wanted.
 */
final class SpillFiles {
  private static final int CHUNK = 1 << 20;

  private final Vertx vertx;
  private final Path dir;
  /** The last pending file operation of each id; guarded by itself. */
  private final Map<ObjectId, Future<?>> tails = new HashMap<>();

  SpillFiles(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  Path pathOf(ObjectId id) {
    return dir.resolve(id.toString());
  }

  /**
   * Writes {@code bytes} to the id's file, then calls {@code keep} with the write's failure (or
   * null); when it answers false the file is removed. Never fails: completes with whether the
   * file was kept.
   */
  Future<Boolean> write(ObjectId id, Buffer bytes, Function<Throwable, Boolean> keep) {
    return serialized(id, () -> vertx.executeBlocking(() -> writeBlocking(pathOf(id), bytes), false)
        .transform(ar -> {
          boolean kept = keep.apply(ar.failed() ? ar.cause() : null);
          return kept ? Future.succeededFuture(true) : deleteNow(id).map(false);
        }));
  }

  /** Reads the id's file whole. */
  Future<Buffer> read(ObjectId id) {
    return vertx.executeBlocking(() -> Buffer.buffer(Files.readAllBytes(pathOf(id))), false);
  }

  /** Removes the id's file (after any pending write of it); a missing file is not an error. */
  Future<Void> delete(ObjectId id) {
    return serialized(id, () -> deleteNow(id));
  }

  Future<Void> deleteAll(Collection<ObjectId> ids) {
    List<Future<Void>> all = ids.stream().map(this::delete).toList();
    return Future.join(all).mapEmpty();
  }

  private Future<Void> deleteNow(ObjectId id) {
    return vertx.<Void>executeBlocking(() -> {
      Files.deleteIfExists(pathOf(id));
      return null;
    }, false).otherwiseEmpty();
  }

  private <T> Future<T> serialized(ObjectId id, Supplier<Future<T>> op) {
    Promise<T> next = Promise.promise();
    Future<?> prev;
    synchronized (tails) {
      prev = tails.getOrDefault(id, Future.succeededFuture());
      tails.put(id, next.future());
    }
    prev.onComplete(ignored -> {
      try {
        op.get().onComplete(next);
      } catch (RuntimeException e) {
        next.fail(e);
      }
    });
    next.future().onComplete(ignored -> {
      synchronized (tails) {
        tails.remove(id, next.future());
      }
    });
    return next.future();
  }

  private Void writeBlocking(Path file, Buffer bytes) throws IOException {
    Files.createDirectories(dir);
    // In 1 MiB slices: FileSystem.writeFile would first copy the whole object into one array,
    // doubling the memory of an object we are spilling precisely because memory is short.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      int len = bytes.length();
      for (int pos = 0; pos < len; pos += CHUNK) {
        ByteBuffer slice = ByteBuffer.wrap(bytes.getBytes(pos, Math.min(len, pos + CHUNK)));
        while (slice.hasRemaining()) {
          ch.write(slice);
        }
      }
    }
    return null;
  }
}
