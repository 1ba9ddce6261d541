package io.ember.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.UUID;

/** The conf of one in-JVM node on loopback with a cluster of its own (tests that start an {@code EmberNode} directly). */
public final class LoneNodeConf {
  private LoneNodeConf() {}

  /** A fresh data directory and cluster name, both tagged {@code label}; Hazelcast on port 5970. */
  public static JsonObject of(String label) throws IOException {
    return new JsonObject()
        .put("node", new JsonObject().put("dataDir", Files.createTempDirectory("ember-" + label).toString())
            .put("resources", new JsonObject().put("cpu", 2)))
        .put("cluster", new JsonObject().put("name", label + "-" + UUID.randomUUID()).put("host", "127.0.0.1").put("port", 5970))
        .put("dashboard", new JsonObject().put("port", 0));
  }
}
