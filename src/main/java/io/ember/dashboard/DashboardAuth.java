package io.ember.dashboard;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The dashboard's gate: a request passes only with the token derived from the cluster secret
 * ({@code ClusterSecurity#dashboardToken}), given as {@code Authorization: Bearer <token>}, as
 * the cookie {@value #COOKIE}, or as {@code ?token=<token>}. The last sets the cookie and
 * redirects to the same path without it, so the token leaves the address bar and the page's
 * own requests carry the cookie. Anything else is {@code 401}. Compares in constant time; never
 * logs a token.
 */
final class DashboardAuth implements Handler<RoutingContext> {
  static final String COOKIE = "ember_dashboard";
  private final byte[] token;

  DashboardAuth(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String inQuery = ctx.request().getParam("token");
    if (inQuery != null && matches(inQuery)) {
      ctx.response().addCookie(Cookie.cookie(COOKIE, inQuery).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT));
      ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, ctx.request().path()).end();
      return;
    }
    if (matches(bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) || matches(cookie(ctx))) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader("WWW-Authenticate", "Bearer realm=\"ember\"")
        .end("401 the Ember dashboard needs its token: java -jar node.jar dashboard -conf <your conf> prints the address with it\n");
  }

  private static String bearer(String header) {
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
  }

  private static String cookie(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(COOKIE);
    return c == null ? null : c.getValue();
  }

  boolean matches(String given) {
    return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }
}
