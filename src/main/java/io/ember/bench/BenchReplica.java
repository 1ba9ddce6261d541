package io.ember.bench;

import io.ember.gcs.RedisProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The microbenchmark's {@code --replica-acks N}: one replica of the benchmark's Redis (the bundled
 * {@code redis-server} with {@code --replicaof}, started before the primary: it connects as soon
 * as the primary listens), and {@code redis.minReplicaAcks = N} in both nodes' confs, so that the
 * rows show what waiting for a replica (WAIT after each write batch) costs against the same
 * primary-plus-replica with N = 0. It never touches the primary.
 */
final class BenchReplica {
  private BenchReplica() {}

  /** N from {@code --replica-acks N}, or -1 when the flag is absent (no replica). */
  static int acksAsked(String[] args) {
    List<String> a = Arrays.asList(args);
    int at = a.indexOf("--replica-acks");
    if (at < 0) return -1;
    if (at + 1 >= a.size()) throw new IllegalArgumentException("--replica-acks takes an integer >= 0");
    int n = Integer.parseInt(a.get(at + 1));
    if (n < 0) throw new IllegalArgumentException("--replica-acks takes an integer >= 0, got " + n);
    return n;
  }

  /** Starts a replica of 127.0.0.1:{@code primaryPort} with its data under {@code dir}; the caller destroys it. */
  static Process start(Path dir, int primaryPort) throws IOException {
    Path rdir = Files.createDirectories(dir.resolve("replica"));
    int port = RedisProcess.freePort();
    return new ProcessBuilder(RedisProcess.binary(null).toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--replicaof", "127.0.0.1", Integer.toString(primaryPort), "--save", "", "--appendonly", "no",
        "--dir", rdir.toString(), "--protected-mode", "no")
        .redirectErrorStream(true).redirectOutput(rdir.resolve("redis.out").toFile()).start();
  }
}
