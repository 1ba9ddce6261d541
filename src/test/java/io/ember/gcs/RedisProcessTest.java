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
import java.nio.file.Path;
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
