package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Base of the table tests: one real redis-server per test class, flushed (data and scripts) before each test. */
@ExtendWith(VertxExtension.class)
abstract class RealRedis {
  static Path dir;
  static RedisProcess redis;
  static Gcs gcs;

  @BeforeAll
  static void startRedis(Vertx vertx) throws Exception {
    dir = Files.createTempDirectory("ember-table-test");
    redis = GcsTesting.startRedis(dir, RedisProcess.freePort());
    gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (gcs != null) await(gcs.close());
    if (redis != null) redis.stop();
    GcsTesting.deleteTree(dir);
  }

  @BeforeEach
  void flush() throws Exception {
    await(gcs.redisForTests().send(Request.cmd(Command.FLUSHALL)));
    await(gcs.redisForTests().send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
  }
}
