package io.ember.cli;

import io.ember.bench.Microbenchmark;
import io.ember.conf.ConfException;
import io.ember.conf.EmberConf;
import io.ember.examples.ExampleJob;
import io.ember.node.HazelcastSetup;
import io.ember.security.ClusterSecurity;
import io.ember.node.NodeVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The jar's entry point. {@code status}, {@code redis-stop}, {@code example} and {@code microbenchmark} are Ember
 * commands; anything else goes to the Vert.x launcher ({@code -cluster -conf <file>}), which
 * deploys {@link NodeVerticle}. The conf is validated here first, so a bad key stops the node
 * with a message naming the file, the key and the expected type. SIGTERM and Ctrl-C stop a
 * node cleanly through {@link CleanStop}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String cmd = args.length > 0 ? args[0] : "";
    String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
    try {
      switch (cmd) {
        case "status" -> System.exit(StatusCommand.run(rest));
        case "example" -> System.exit(ExampleJob.run(rest));
        case "redis-stop" -> System.exit(RedisStopCommand.run(rest));
        case "microbenchmark" -> System.exit(Microbenchmark.run(rest));
        case "help", "-h", "--help" -> {
          System.out.println(usage());
          System.exit(0);
        }
        default -> launchNode(args);
      }
    } catch (ConfException e) {
      System.err.println("ember: " + e.getMessage());
      System.exit(2);
    }
  }

  static String usage() {
    return String.join("\n",
        "usage: java -jar node.jar -cluster -conf conf/<file>.json   start a node",
        "       java -jar node.jar status [-conf <file>] [--json] [--recoveries N]   print the cluster's state",
        "       java -jar node.jar redis-stop -conf <file>             stop the embedded Redis group's processes (redis.replicas > 0)",
        "       java -jar node.jar example                           run the example job on a fresh single node",
        "       java -jar node.jar microbenchmark [--quick] [--no-failures] [--actors]   measure a local cluster it starts itself");
  }

  /** The conf from {@code -conf} (a file, or inline JSON as the launcher allows), validated. */
  static EmberConf confFrom(String[] args) {
    String value = option(args, "-conf");
    if (value == null) return EmberConf.from("(no -conf: defaults)", new JsonObject());
    if (value.trim().startsWith("{")) {
      try {
        return EmberConf.from("-conf", new JsonObject(value));
      } catch (DecodeException e) {
        throw new ConfException("-conf: not a JSON object: " + e.getMessage());
      }
    }
    return EmberConf.load(Path.of(value));
  }

  /**
   * Without {@code -cluster} the launcher builds a Vert.x that joins no cluster. A conf that names
   * cluster members is meant for a cluster: refused. Otherwise the node runs alone: one warning line
   * (null when {@code -cluster} is there).
   */
  static String aloneWarning(String[] args, EmberConf conf) {
    if (Arrays.asList(args).contains("-cluster")) return null;
    if (conf.cluster().namesMembers()) {
      throw new ConfException(conf.source() + " names cluster.members " + conf.cluster().members()
          + " but -cluster is missing: add -cluster to join them");
    }
    return "ember: warning: no -cluster: this node runs alone (it joins no cluster; no other node can reach it)";
  }

  static String option(String[] args, String name) {
    for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
    return null;
  }

  private static void launchNode(String[] args) {
    EmberConf conf = confFrom(args);
    String alone = aloneWarning(args, conf);
    if (conf.rejoin() && !Rejoin.inChild()) System.exit(Rejoin.supervise(args)); // the child runs the node
    if (alone != null) System.err.println(alone);
    System.setProperty("ember.conf.source", conf.source());
    ClusterSecurity.resolve(conf.cluster()); // a secret that cannot be had stops the node here, as a conf error (exit 2)
    AtomicReference<NodeVerticle> node = new AtomicReference<>();
    CleanStop.install(node::get);
    VertxApplicationHooks hooks = new VertxApplicationHooks() {
      @Override
      public VertxBuilder createVertxBuilder(VertxOptions options) {
        return HazelcastSetup.vertxBuilder(conf.cluster(), options);
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
    int code = new VertxApplication(args, hooks).launch();
    if (code != 0) System.exit(code);
  }
}
