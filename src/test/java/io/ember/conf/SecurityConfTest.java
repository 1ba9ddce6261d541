package io.ember.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The conf keys of the cluster secret, TLS and the Redis password: defaults, types, and never a secret in a message. */
class SecurityConfTest {
  @Test
  void byDefaultTlsIsOnTheSecretIsInTheDataDirectoryAndTheRedisPasswordIsDerived() {
    EmberConf c = EmberConf.from("t", new JsonObject().put("node", new JsonObject().put("dataDir", "d")));
    assertTrue(c.cluster().tls());
    assertNull(c.cluster().secret());
    assertEquals(Path.of("d", "cluster.secret"), c.cluster().secretFile());
    assertNull(c.redis().password());
  }

  @Test
  void theKeysAreReadAndTheirValuesNeverShown() {
    EmberConf c = EmberConf.from("t", new JsonObject()
        .put("cluster", new JsonObject().put("secret", "s3cret-s3cret-s3cret").put("secretFile", "x/s").put("tls", false))
        .put("redis", new JsonObject().put("host", "10.0.0.1").put("password", "redis-pw-redis-pw")));
    assertEquals("s3cret-s3cret-s3cret", c.cluster().secret());
    assertEquals(Path.of("x/s"), c.cluster().secretFile());
    assertFalse(c.cluster().tls());
    assertEquals("redis-pw-redis-pw", c.redis().password());
    assertFalse(c.toString().contains("s3cret"), c.toString());
    assertFalse(c.toString().contains("redis-pw"), c.toString());
  }

  @Test
  void aMistypedSecretIsRefusedWithoutQuotingIt() {
    ConfException e = assertThrows(ConfException.class, () -> EmberConf.from("f.json",
        new JsonObject().put("cluster", new JsonObject().put("secret", 12345678901234567L))));
    assertTrue(e.getMessage().contains("'cluster.secret' must be a string"), e.getMessage());
    assertFalse(e.getMessage().contains("12345678901234567"), e.getMessage());
    ConfException p = assertThrows(ConfException.class, () -> EmberConf.from("f.json",
        new JsonObject().put("redis", new JsonObject().put("password", new JsonObject().put("pw", "hunter2")))));
    assertFalse(p.getMessage().contains("hunter2"), p.getMessage());
    assertThrows(ConfException.class, () -> EmberConf.from("f.json", new JsonObject().put("cluster", new JsonObject().put("tls", "no"))));
  }
}
