package io.ember.cli;

import io.ember.conf.EmberConf;
import io.ember.logs.Logs;
import io.ember.metrics.MetricsSetup;
import io.ember.node.HazelcastSetup;
import io.ember.node.NodeVerticle;
import io.ember.security.ClusterSecurity;
import io.vertx.core.Deployable;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The top command: without a subcommand it starts a node ({@code -cluster -conf <file>}) through
 * the Vert.x launcher, which deploys {@link NodeVerticle}. The conf is validated here first, so a
 * bad key stops the node with a message naming the file, the key and the expected type. SIGTERM
 * and Ctrl-C stop a node cleanly through {@link CleanStop}; {@code node.rejoin} runs it under
 * {@link Rejoin}.
 *
 * <p>Only {@code -cluster} and {@code -conf} go on to the launcher: the conf sets the host and
 * every port, and the launcher's other options ({@code -instances}, {@code -worker}, ...) would
 * deploy a node it cannot run; they are refused as unknown.
 */
@Command(name = "java -jar node.jar", versionProvider = Version.class, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Starts an Ember node (-cluster -conf FILE), or runs one of the commands below.",
        "Exit codes: 0 done, 1 failed, 2 refused (bad command, flag, value or conf)."},
    subcommands = {StatusCommand.class, DashboardCommand.class, RedisStopCommand.class, ExampleCommand.class, MicrobenchmarkCommand.class, HelpCommand.class},
    footer = {"", "Start a cluster on one machine:",
        "  java -jar node.jar -cluster -conf conf/head.json &",
        "  java -jar node.jar -cluster -conf conf/worker.json &",
        "  java -jar node.jar status -conf conf/worker.json --watch"})
final class NodeCommand implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(NodeCommand.class.getName());

  @Option(names = {"-cluster", "--cluster"}, description = "join the cluster the conf names (without it the node runs alone)")
  boolean cluster;

  @Mixin
  ConfOption conf;

  @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "print Ember's version and exit")
  boolean version;

  @Spec
  CommandSpec spec;

  private volatile boolean running;

  /** True once a node started in this JVM (its threads keep the JVM alive; the process must not exit). */
  boolean running() {
    return running;
  }

  @Override
  public Integer call() {
    String[] args = spec.commandLine().getParseResult().originalArgs().toArray(String[]::new);
    EmberConf c = conf.load();
    String alone = Main.aloneWarning(cluster, c);
    if (c.rejoin() && !Rejoin.inChild()) return Rejoin.supervise(args); // the child runs the node (and writes node.log)
    Path log = Logs.toFile(c.dataDir());
    if (log != null) LOG.info("node " + (c.nodeName() == null ? "" : c.nodeName() + " ") + "logging to " + log + " and stderr");
    if (alone != null) System.err.println(alone);
    System.setProperty("ember.conf.source", c.source());
    ClusterSecurity.resolve(c.cluster()); // a secret that cannot be had stops the node here, as a conf error (exit 2)
    AtomicReference<NodeVerticle> node = new AtomicReference<>();
    CleanStop.install(node::get);
    int code = new VertxApplication(args, hooks(c, node)).launch();
    running = code == 0;
    return code;
  }

  private static VertxApplicationHooks hooks(EmberConf conf, AtomicReference<NodeVerticle> node) {
    return new VertxApplicationHooks() {
      @Override
      public VertxBuilder createVertxBuilder(VertxOptions options) {
        if (!conf.metricsOn()) return HazelcastSetup.vertxBuilder(conf.cluster(), options);
        return MetricsSetup.withMetrics(HazelcastSetup.vertxBuilder(conf.cluster(), MetricsSetup.enable(options)));
      }

      @Override
      public Supplier<? extends Deployable> verticleSupplier() {
        return () -> {
          NodeVerticle v = new NodeVerticle();
          node.set(v);
          return v;
        };
      }

      @Override
      public void afterFailureToDeployVerticle(HookContext context, Throwable t) {
        System.err.println("ember: the node failed to start: " + t);
      }
    };
  }
}
