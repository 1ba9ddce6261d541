package io.ember.bench;

import io.ember.conf.EmberConf;
import io.ember.gcs.RedisProcess;
import io.ember.security.ClusterSecurity;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /**
   * Starts a replica of 127.0.0.1:{@code primaryPort} with its data under {@code dir}, authenticating
   * to the primary (and requiring) the password the primary's node derives from {@code primaryConf}'s
   * cluster secret; the caller destroys it.
   */
  static Process start(Path dir, int primaryPort, JsonObject primaryConf) throws IOException {
    String password = ClusterSecurity.resolve(EmberConf.from("microbenchmark", primaryConf).cluster()).redisPassword();
    Path rdir = Files.createDirectories(dir.resolve("replica"));
    int port = RedisProcess.freePort();
    List<String> cmd = new ArrayList<>(List.of(RedisProcess.binary(null).toString()));
    Path auth = RedisProcess.authConf(rdir, password);
    if (auth != null) cmd.add(auth.toString());
    cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--replicaof", "127.0.0.1", Integer.toString(primaryPort), "--save", "", "--appendonly", "no", "--dir", rdir.toString()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(rdir.resolve("redis.out").toFile()).start();
  }
}
