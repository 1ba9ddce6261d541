package io.ember.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.VertxException;
import io.vertx.redis.client.impl.types.ErrorType;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The replies below are the texts the bundled Redis 6.2 and the Vert.x client give (see TransientRepliesTest). */
class RedisErrorsTest {

  private static Throwable reply(String text) {
    return ErrorType.create(text);
  }

  @Test
  void everyTransientCodeIsTransient() {
    for (String code : RedisErrors.TRANSIENT_CODES) {
      Throwable e = reply(code + " some text");
      assertEquals(code, RedisErrors.code(e));
      assertTrue(RedisErrors.isTransient(e), code);
      assertTrue(RedisErrors.isTransientReply(e), code);
    }
    assertTrue(RedisErrors.isTransient(reply("LOADING Redis is loading the dataset in memory")));
    assertTrue(RedisErrors.isTransient(reply("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")));
  }

  @Test
  void aTransientCodeInsideAScriptErrorIsFound() {
    Throwable e = reply("ERR Error running script (call to f_5c4d62f4e30c54fb15935b5892148e5ce7374077): @user_script:1: "
        + "@user_script: 1: -READONLY You can't write against a read only replica. ");
    assertEquals("READONLY", RedisErrors.code(e));
    assertTrue(RedisErrors.isReadOnly(e));
    assertTrue(RedisErrors.isTransientReply(e));
  }

  @Test
  void aFailedBatchIsClassifiedByItsFirstFailedCommand() {
    assertEquals("BUSY", RedisErrors.code(reply("ERR [0] BUSY Redis is busy running a script. You can only call SCRIPT KILL or"
        + " SHUTDOWN NOSAVE.\nERR [1] BUSY Redis is busy running a script.")));
    assertEquals("READONLY", RedisErrors.code(reply("ERR [1] Error running script (call to f_x): @user_script:1: "
        + "@user_script: 1: -READONLY You can't write against a read only replica. ")));
    assertEquals("WRONGTYPE", RedisErrors.code(reply("ERR [0] WRONGTYPE Operation against a key holding the wrong kind of value")));
    assertEquals("ERR", RedisErrors.code(reply("ERR [0] wrong number of arguments for 'get' command")));
  }

  @Test
  void answersAreNotTransient() {
    for (String text : new String[] {"WRONGTYPE Operation against a key holding the wrong kind of value", "NOSCRIPT No matching",
        "NOT_LEADER n1|3", "ERR unknown command 'FOO'", "ERR Error running script (call to f_x): @user_script:3: user_script:3:"
            + " Script attempted to access nonexistent global variable 'x'"}) {
      assertFalse(RedisErrors.isTransient(reply(text)), text);
    }
    assertEquals("NOT_LEADER", RedisErrors.code(reply("NOT_LEADER n1|3")));
    assertEquals("ERR", RedisErrors.code(reply("ERR Error running script (call to f_x): @user_script:3: no such thing")));
  }

  @Test
  void aLostOrSilentConnectionIsTransient() {
    assertEquals(RedisErrors.CONNECTION, RedisErrors.code(new ConnectException("Connection refused")));
    assertEquals(RedisErrors.CONNECTION, RedisErrors.code(new TimeoutException("Timeout 10000 (ms) fired")));
    assertEquals(RedisErrors.CONNECTION, RedisErrors.code(new VertxException("Connection is closed", true)));
    assertEquals(RedisErrors.CONNECTION, RedisErrors.code(new IllegalStateException("not connected")));
    assertEquals(RedisErrors.CONNECTION, RedisErrors.code(new EmberException(ErrorCode.UNAVAILABLE, "Redis at h:1: gone")));
    assertEquals(RedisErrors.CONNECTION, RedisErrors.code(new RuntimeException("wrapped", new IOException("reset"))));
    assertTrue(RedisErrors.isTransient(new IOException("not connected (reconnecting)")));
    assertFalse(RedisErrors.isTransientReply(new IOException("Connection reset")), "a lost connection may have applied a write");
    // how the Vert.x client fails the requests in flight on a connection that closes
    assertEquals(RedisErrors.CONNECTION, RedisErrors.code(reply("CONNECTION_CLOSED")));
    assertTrue(RedisErrors.isClosedConnection(reply("CONNECTION_CLOSED")));
    assertFalse(RedisErrors.isTransientReply(reply("CONNECTION_CLOSED")), "the request may have been applied");
  }

  @Test
  void bugsAreNotTransient() {
    assertNull(RedisErrors.code(new NullPointerException()));
    assertNull(RedisErrors.code(new IllegalArgumentException("bad connection string")));
    assertNull(RedisErrors.code(new EmberException(ErrorCode.INTERNAL, "connection of a bug")));
    assertFalse(RedisErrors.isTransient(new EmberException(ErrorCode.FENCED, "epoch 3 is not current")));
  }
}
