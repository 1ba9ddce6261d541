package io.ember.cli;

import io.ember.conf.EmberConf;
import io.ember.dashboard.DashboardServer;
import io.ember.security.ClusterSecurity;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dashboard [-conf file]}: prints the address that opens the dashboard of this host's
 * nodes, with the token derived from the cluster secret ({@code http://host:port/?token=...}),
 * then asks that address for the cluster state (with the token) and says on stderr if nothing
 * answers. Exit 0 if it answers, 1 if not (the address is printed either way), 2 if the conf
 * turns the dashboard off. The token is the secret's to give: whoever has it reads the cluster state.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Prints the dashboard's address with its token.",
        "http://<cluster.host>:<dashboard.port>/?token=<derived from the cluster secret>; open it in a browser."})
final class DashboardCommand implements Callable<Integer> {
  @Mixin
  ConfOption conf;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EmberConf c = conf.load();
    if (!c.dashboardOn()) {
      err.println("ember dashboard: " + c.source() + " sets dashboard.port to 0: its nodes serve no dashboard");
      return 2;
    }
    String host = c.cluster().host();
    String token = ClusterSecurity.resolve(c.cluster()).dashboardToken();
    out.println(DashboardServer.url(host, c.dashboardPort(), token));
    String address = DashboardServer.address(host, c.dashboardPort());
    try {
      HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
          HttpRequest.newBuilder(URI.create(address + "/api/cluster")).header("Authorization", "Bearer " + token)
              .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() == 200) return 0;
      err.println("ember dashboard: " + address + " answers " + r.statusCode()
          + (r.statusCode() == 401 ? " to this token: it serves a cluster with another secret" : ""));
    } catch (IOException e) {
      err.println("ember dashboard: nothing answers at " + address + " (" + e + "): is a node with this conf running on this host?");
    }
    return 1;
  }
}
