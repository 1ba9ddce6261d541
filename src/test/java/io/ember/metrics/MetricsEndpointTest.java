package io.ember.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.node.EmberNode;
import io.ember.testing.LoneNodeConf;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on one node in this JVM ({@code metrics.port} set): Ember's series, the
 * JVM's and Vert.x's are there, and the task counters move when tasks run. Counters are per JVM
 * (other tests in this JVM may have moved them): the test compares before and after. Run under
 * the cluster lock (it starts Hazelcast).
 */
class MetricsEndpointTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static EmberNode node;
  static int port;

  @BeforeAll
  static void startNode() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    JsonObject conf = LoneNodeConf.of("metrics").put("metrics", new JsonObject().put("port", port));
    node = await(EmberNode.start(conf, "test"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) await(node.stop());
  }

  @Test
  void theEndpointShowsEmberJvmAndVertxSeriesAndTheTaskCountersMove() throws Exception {
    String before = scrape("/metrics");
    for (String series : List.of("ember_tasks_submitted_total", "ember_tasks_finished_total", "ember_tasks_failed_total",
        "ember_actor_calls_total", "ember_objects_spilled_total", "ember_objects_dropped_total", "ember_transfer_sent_bytes_total",
        "ember_redis_batch_seconds_count", "ember_object_store_bytes{where=\"memory\"}", "ember_object_store_objects",
        "ember_scheduler_queued", "ember_scheduler_running", "jvm_memory_used_bytes", "vertx_eventbus_")) {
      assertTrue(before.contains(series), series + " missing from\n" + before);
    }
    for (long x = 1; x <= 5; x++) {
      assertEquals(x * x, (long) node.client().<Long>taskByName("io.ember.examples.Fns.square", x).remote().get(Duration.ofSeconds(20)));
    }
    String after = scrape("/metrics");
    assertTrue(value(after, "ember_tasks_submitted_total") >= value(before, "ember_tasks_submitted_total") + 5, after);
    assertTrue(value(after, "ember_tasks_finished_total") >= value(before, "ember_tasks_finished_total") + 5, after);
    assertTrue(value(after, "ember_redis_batch_seconds_count") > value(before, "ember_redis_batch_seconds_count"), after);
  }

  @Test
  void anyOtherPathIsNotFound() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/other")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(404, r.statusCode());
  }

  private static String scrape(String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** The value of an untagged series in the Prometheus text. */
  private static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertTrue(m.find(), series + " in\n" + text);
    return Double.parseDouble(m.group(1));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
