package io.ember.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One node in this JVM, not clustered, with an embedded Redis on a port it chooses: what its log says. */
class LoneNodeTest {
  private static final Pattern STARTED = Pattern.compile("started embedded redis-server on 127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern UP = Pattern.compile("is up; redis 127\\.0\\.0\\.1:(\\d+),");

  @Test
  void theIsUpLineNamesThePortTheEmbeddedRedisChose() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        lines.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger(NodeAssembly.class.getName());
    log.addHandler(capture);
    Path dir = Files.createTempDirectory("ember-lone-node");
    JsonObject conf = new JsonObject().put("node", new JsonObject().put("dataDir", dir.toString()).put("resources", new JsonObject().put("cpu", 1)));
    Vertx vertx = Vertx.vertx();
    try {
      vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(conf)).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      String started = port(lines, STARTED);
      String up = port(lines, UP);
      assertTrue(started != null && !started.equals("0") && started.equals(up), "log: " + lines);
    } finally {
      log.removeHandler(capture);
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static String port(List<String> lines, Pattern p) {
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.find()) return m.group(1);
    }
    return null;
  }
}
