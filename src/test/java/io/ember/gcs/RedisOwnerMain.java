package io.ember.gcs;

import java.nio.file.Path;

/**
 * A JVM that owns an embedded Redis and nothing else, for {@link RedisProcessTest} to kill:
 * starts one on the port and data directory given, prints {@code redis-pid <pid>}, then waits
 * until its stdin closes.
 */
public final class RedisOwnerMain {
  private RedisOwnerMain() {
  }

  public static void main(String[] args) throws Exception {
    RedisProcess redis = RedisProcess.start(RedisProcess.binary(null), "127.0.0.1", Integer.parseInt(args[0]), Path.of(args[1]));
    System.out.println("redis-pid " + redis.pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // waits for the test to kill this JVM
    }
  }
}
