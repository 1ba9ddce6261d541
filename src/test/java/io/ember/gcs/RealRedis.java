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

/**
 * Base of the tests against a real Redis (the tables', and status's in other packages): one real
 * redis-server per test class, flushed (data and scripts) before each test.
 */
@ExtendWith(VertxExtension.class)
public abstract class RealRedis {
  protected static Path dir;
  protected static RedisProcess redis;
  protected static Gcs gcs;

  @BeforeAll
  public static void startRedis(Vertx vertx) throws Exception {
    dir = Files.createTempDirectory("ember-table-test");
    redis = GcsTesting.startRedis(dir, RedisProcess.freePort());
    gcs = await(Gcs.connect(vertx, "127.0.0.1", redis.port()));
  }

  @AfterAll
  public static void stopRedis() throws Exception {
    if (gcs != null) await(gcs.close());
    if (redis != null) redis.stop();
    GcsTesting.deleteTree(dir);
  }

  @BeforeEach
  public void flush() throws Exception {
    await(gcs.redisForTests().send(Request.cmd(Command.FLUSHALL)));
    await(gcs.redisForTests().send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
  }
}
