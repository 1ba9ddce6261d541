package io.ember.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.ErrorManager;
import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/**
 * A node's log file, {@code <dir>/node.log}, appended to across runs and rotated at
 * {@value #LIMIT_BYTES} bytes ({@code node.log} becomes {@code node.log.1}, ... up to
 * {@code node.log.}{@value #KEPT}). Workers on one machine often share a data directory: the
 * file is held with an OS lock (released when the JVM ends, even by {@code kill -9}), and a
 * second JVM on the same directory writes {@code node-2.log}, a third {@code node-3.log}, ...
 *
 * <p>Never: lets two JVMs write one file, or fails a node because its log cannot be written
 * (write errors go to the handler's {@link ErrorManager}, i.e. stderr).
 */
final class NodeLogFile extends StreamHandler {
  static final long LIMIT_BYTES = 10L << 20;
  static final int KEPT = 5;

  private final Path file;
  private final FileLock lock;
  private final long limitBytes;
  private long written;

  private NodeLogFile(Path file, FileLock lock, long limitBytes) throws IOException {
    this.file = file;
    this.lock = lock;
    this.limitBytes = limitBytes;
    setEncoding(StandardCharsets.UTF_8.name());
    open();
  }

  /** Opens the first of {@code node.log}, {@code node-2.log}, ... in {@code dir} that no other live JVM holds. */
  static NodeLogFile in(Path dir) throws IOException {
    return in(dir, LIMIT_BYTES);
  }

  /** As above, rotating at {@code limitBytes}. */
  static NodeLogFile in(Path dir, long limitBytes) throws IOException {
    Files.createDirectories(dir);
    for (int n = 1; n < 100; n++) {
      Path f = dir.resolve(n == 1 ? "node.log" : "node-" + n + ".log");
      FileChannel ch = FileChannel.open(dir.resolve(f.getFileName() + ".lck"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null; // held by this JVM (another handler here)
      }
      if (l != null) return new NodeLogFile(f, l, limitBytes);
      ch.close();
    }
    throw new IOException("every log file name in " + dir + " is held by another JVM");
  }

  Path file() {
    return file;
  }

  @Override
  public synchronized void publish(LogRecord r) {
    if (!isLoggable(r)) return;
    super.publish(r);
    flush(); // a node can be killed at any moment: what was logged is on disk
    if (written >= limitBytes) rotate();
  }

  @Override
  public synchronized void close() {
    super.close();
    try {
      lock.channel().close();
    } catch (IOException e) {
      reportError("cannot release " + file, e, ErrorManager.CLOSE_FAILURE);
    }
  }

  private void rotate() {
    try {
      super.close(); // closes the stream only; the lock stays
      for (int i = KEPT - 1; i >= 1; i--) {
        Path older = Path.of(file + "." + i);
        if (Files.exists(older)) Files.move(older, Path.of(file + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(file, Path.of(file + ".1"), StandardCopyOption.REPLACE_EXISTING);
      open();
    } catch (IOException e) {
      reportError("cannot rotate " + file, e, ErrorManager.WRITE_FAILURE);
    }
  }

  private void open() throws IOException {
    written = Files.exists(file) ? Files.size(file) : 0;
    OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    setOutputStream(new OutputStream() { // counts what is written, for the rotation
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        written++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        written += len;
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    });
  }
}
