package io.ember.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.security.ClusterSecret;
import io.ember.security.ClusterSecurity;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code dashboard}: the address with the token derived from the conf's secret, and what it says when nothing serves it. */
class DashboardCommandTest {
  private static final String SECRET = "a test secret of the dashboard";

  private static String conf(int port) {
    return new JsonObject().put("cluster", new JsonObject().put("host", "127.0.0.1").put("secret", SECRET))
        .put("dashboard", new JsonObject().put("port", port)).encode();
  }

  @Test
  void itPrintsTheAddressWithTheDerivedTokenAndFailsWhenNothingAnswers() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CliRun r = CliRun.of("dashboard", "-conf", conf(port));
    String token = ClusterSecurity.of(ClusterSecret.of(SECRET, "the test"), false).dashboardToken();
    assertEquals("http://127.0.0.1:" + port + "/?token=" + token, r.out().trim());
    assertEquals(64, token.length());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("nothing answers at http://127.0.0.1:" + port), r.err());
  }

  @Test
  void aConfWithoutADashboardIsRefused() {
    CliRun.of("dashboard", "-conf", conf(0)).assertRefused("sets dashboard.port to 0");
  }
}
