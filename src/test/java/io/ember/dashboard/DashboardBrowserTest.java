package io.ember.dashboard;

import static io.ember.testing.LocalCluster.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ActorHandle;
import io.ember.examples.Counter;
import io.ember.ids.NodeId;
import io.ember.security.ClusterSecret;
import io.ember.security.ClusterSecurity;
import io.ember.testing.LocalCluster;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real headless browser (Debian's chromium through its chromedriver, which
 * {@code .ci/run} installs): three node JVMs share one {@code dashboard.port}, as nodes sharing
 * {@code conf/worker.json} on one host do; one of them serves it. The page opened with the
 * token shows the three nodes ALIVE and an actor; after {@code kill -9} of the node serving
 * the page, another node takes the port over, and the same page shows the killed node DEAD
 * and its node-dead entry in the recovery ledger. Without the token (or with a wrong one) the
 * node answers 401. Runs under the cluster lock (it starts node JVMs and Redis).
 */
@Timeout(150)
class DashboardBrowserTest {
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final String CHROMIUM = "/usr/bin/chromium";
  /** Held, so that Selenium's CDP version notices stay off the test output. */
  private static final Logger SELENIUM = Logger.getLogger("org.openqa.selenium");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static LocalCluster cluster;
  static WebDriver browser;
  static int port;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(new File(CHROMEDRIVER).canExecute(), CHROMEDRIVER + " is missing: apt-get install -y chromium chromium-driver (.ci/run does)");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    cluster = LocalCluster.start(3, conf -> conf.put("dashboard", new JsonObject().put("port", port)));
    token = ClusterSecurity.of(ClusterSecret.of(cluster.secret(), "the test"), false).dashboardToken();
    SELENIUM.setLevel(Level.SEVERE);
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run");
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build(), options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
    if (cluster != null) cluster.close();
  }

  @Test
  void thePageShowsTheNodesAliveThenTheKilledOneDeadAndItsRecovery() throws Exception {
    List<String> ids = new ArrayList<>();
    for (String n : List.of("n0", "n1", "n2")) ids.add(cluster.nodeIdOf(n).value());
    ActorHandle<Counter> counter = cluster.client().actor(Counter::new, 41L).remote();
    assertEquals(42L, (long) counter.task(Counter::incr, 1).remote().get(Duration.ofSeconds(30)));

    browser.get("http://127.0.0.1:" + port + "/?token=" + token);
    assertFalse(browser.getCurrentUrl().contains("token"), "the token leaves the address bar: " + browser.getCurrentUrl());
    poll("the page shows the 3 nodes ALIVE", Duration.ofSeconds(20), () -> nodesIn("ALIVE").containsAll(ids));
    poll("the page lists the actor ALIVE", Duration.ofSeconds(20),
        () -> !texts("#actors tr[data-actor='" + counter.id() + "'][data-state='ALIVE']").isEmpty());

    String serving = servingNode();
    NodeId killed = cluster.nodeIdOf(serving);
    cluster.kill(serving);
    poll("the page shows " + serving + " DEAD (after another node took the port over)", Duration.ofSeconds(30),
        () -> nodesIn("DEAD").contains(killed.value()));
    poll("the page shows a node-dead recovery of " + serving, Duration.ofSeconds(20),
        () -> texts("#recoveries tr[data-kind='node-dead']").stream().anyMatch(t -> t.contains(killed.value())));
    Set<String> alive = nodesIn("ALIVE");
    assertEquals(2, alive.size(), "alive on the page: " + alive);
  }

  @Test
  void aRequestWithoutTheTokenOrWithAnotherIsRefused() throws Exception {
    for (String path : List.of("/", "/api/cluster", "/dashboard.js", "/?token=" + "0".repeat(64))) {
      assertEquals(401, get(path, null).statusCode(), path);
    }
    assertEquals(401, get("/api/cluster", "Bearer " + "0".repeat(64)).statusCode());
    HttpResponse<String> ok = get("/api/cluster", "Bearer " + token);
    assertEquals(200, ok.statusCode(), ok.body());
    assertNotNull(new JsonObject(ok.body()).getJsonArray("nodes"));
  }

  private static HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) b.header("Authorization", authorization);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The ids of the nodes the page shows in {@code state}. */
  private static Set<String> nodesIn(String state) {
    Set<String> out = new HashSet<>();
    for (String id : read("#nodes tr[data-state='" + state + "']", "r.dataset.node")) out.add(id);
    return out;
  }

  /** The text of every element {@code selector} matches. */
  private static List<String> texts(String selector) {
    return read(selector, "r.textContent");
  }

  /** {@code expression} of each element that matches, read in one script turn (the page redraws between turns). */
  @SuppressWarnings("unchecked")
  private static List<String> read(String selector, String expression) {
    Object r = ((JavascriptExecutor) browser).executeScript(
        "return Array.from(document.querySelectorAll(arguments[0])).map(r => " + expression + ");", selector);
    return (List<String>) r;
  }

  /** The node whose log says it serves the dashboard. */
  private static String servingNode() {
    for (LocalCluster.NodeProcess p : cluster.nodes()) {
      if (p.process.isAlive() && cluster.logOf(p).contains("dashboard at http://127.0.0.1:" + port)) return p.name;
    }
    throw new AssertionError("no node logs that it serves the dashboard on port " + port);
  }
}
