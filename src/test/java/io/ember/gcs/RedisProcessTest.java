package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class RedisProcessTest {

  @Test
  void aConfiguredBinaryThatDoesNotExistIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RedisProcess.binary("/no/such/redis-server"));
    assertTrue(e.getMessage().contains("/no/such/redis-server"), e.getMessage());
  }

  @Test
  void anEmbeddedRedisDiesWithItsJvmEvenOnKillMinusNine(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RedisOwnerMain.class.getName(),
        Integer.toString(RedisProcess.freePort()), dir.toString()).redirectErrorStream(true).start();
    try {
      long pid = redisPid(jvm);
      ProcessHandle redis = ProcessHandle.of(pid).orElseThrow();
      jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(RedisProcess.exited(redis, 5), "redis-server " + pid + " outlived the JVM that started it by 5 s");
    } finally {
      jvm.destroyForcibly();
    }
  }

  /** The child JVM's "redis-pid N" line. */
  private static long redisPid(Process jvm) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("redis-pid ")) return Long.parseLong(line.substring("redis-pid ".length()));
    }
    throw new AssertionError("the child JVM exited without starting its Redis");
  }

  @Test
  void anOrphanRedisOnTheSameDataIsTakenOverWithItsData(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = RedisProcess.freePort();
    Process orphan = bareRedis(port, dir); // no guard: what a head killed before guards existed left behind
    try {
      Redis client = Redis.createClient(vertx, Gcs.options("127.0.0.1", port));
      awaitAnswer(client);
      await(client.send(Request.cmd(Command.SET).arg("ember:probe").arg("kept")));
      try (RedisProcess owned = RedisProcess.startOwned(RedisProcess.binary(null), "127.0.0.1", port, dir)) {
        assertFalse(orphan.isAlive(), "the orphan was shut down");
        assertNotEquals(orphan.pid(), owned.pid());
        assertEquals("kept", await(client.send(Request.cmd(Command.GET).arg("ember:probe"))).toString());
      } finally {
        client.close();
      }
    } finally {
      orphan.destroyForcibly();
    }
  }

  @Test
  void aRedisOfALiveHeadOrOfOtherDataIsRefused(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = RedisProcess.freePort();
    try (RedisProcess live = GcsTesting.startRedis(dir.resolve("live"), port)) {
      IOException e = assertThrows(IOException.class,
          () -> RedisProcess.startOwned(RedisProcess.binary(null), "127.0.0.1", port, dir.resolve("live")));
      assertTrue(e.getMessage().contains("belongs to a live head"), e.getMessage());
      assertTrue(live.isAlive());
    }
    Process other = bareRedis(port, Files.createDirectories(dir.resolve("other")));
    try {
      Redis client = Redis.createClient(vertx, Gcs.options("127.0.0.1", port));
      awaitAnswer(client);
      client.close();
      IOException e = assertThrows(IOException.class,
          () -> RedisProcess.startOwned(RedisProcess.binary(null), "127.0.0.1", port, dir.resolve("mine")));
      assertTrue(e.getMessage().contains("another data directory"), e.getMessage());
      assertTrue(other.isAlive());
    } finally {
      other.destroyForcibly();
    }
  }

  /** A redis-server started the way Ember did before its guard: a plain child, no stdin pipe watched. */
  private static Process bareRedis(int port, Path dir) throws IOException {
    return new ProcessBuilder(RedisProcess.binary(null).toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port),
        "--dir", dir.toAbsolutePath().toString(), "--appendonly", "yes", "--save", "")
        .redirectErrorStream(true).redirectOutput(dir.resolve("bare.out").toFile()).start();
  }

  /** Polls PING with a deadline until Redis answers. */
  private static void awaitAnswer(Redis client) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        await(client.send(Request.cmd(Command.PING)));
        return;
      } catch (Exception notYet) {
        if (System.nanoTime() > deadline) throw notYet;
      }
    }
  }

  @Test
  void killedRedisRestartsOnTheSamePortWithItsAppendOnlyData(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = RedisProcess.freePort();
    RedisProcess first = GcsTesting.startRedis(dir, port);
    Redis client = Redis.createClient(vertx, Gcs.options("127.0.0.1", port));
    try {
      assertEquals("PONG", await(client.send(Request.cmd(Command.PING))).toString());
      await(client.send(Request.cmd(Command.SET).arg("ember:probe").arg("kept")));
      long pid = first.pid();
      first.kill();
      assertFalse(first.isAlive());

      try (RedisProcess second = GcsTesting.startRedis(dir, port)) {
        assertTrue(second.isAlive());
        assertNotEquals(pid, second.pid());
        assertEquals(port, second.port());
        assertEquals("kept", await(client.send(Request.cmd(Command.GET).arg("ember:probe"))).toString());
      }
    } finally {
      client.close();
      first.kill();
    }
  }
}
