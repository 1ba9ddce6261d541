package io.ember.cli;

import io.ember.conf.EmberConf;
import io.ember.gcs.Gcs;
import io.ember.gcs.RedisEndpoint;
import io.ember.monitor.StatusReport;
import io.ember.node.RedisWait;
import io.ember.security.ClusterSecurity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code status [-conf file] [--json] [--recoveries N] [--watch [SECONDS]]}: reads the cluster's
 * state straight from Redis (the address in the conf), so it answers in well under a second
 * without joining the cluster. {@code --recoveries N} shows the newest N entries of each ledger
 * list (default {@value StatusReport#DEFAULT_RECOVERIES}); {@code --watch} prints it again every
 * N seconds until Ctrl-C, on one Redis connection, and a read that fails is one line, not the end
 * ({@code --json --watch}: one JSON object per line, no screen clearing).
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
    description = {"Prints the cluster's state, once or every few seconds.",
        "Nodes, tasks, objects, actors and recent recoveries, read straight from Redis (it does not join the"
            + " cluster): give the conf of a node whose Redis has a fixed port."})
final class StatusCommand implements Callable<Integer> {
  /** How often {@code --watch} alone prints. */
  static final int DEFAULT_WATCH_SECONDS = 2;

  @Mixin
  ConfOption conf;

  @Option(names = "--json", description = "print one JSON object instead of the table")
  boolean json;

  @Option(names = "--recoveries", paramLabel = "N",
      description = "show the newest N entries of each recovery ledger list (node-level, task resubmissions; default ${DEFAULT-VALUE})")
  int recoveries = StatusReport.DEFAULT_RECOVERIES;

  @Option(names = "--watch", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "" + DEFAULT_WATCH_SECONDS,
      description = "print it again every SECONDS (default " + DEFAULT_WATCH_SECONDS + ") until Ctrl-C")
  Integer watch;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    EmberConf c = conf.load();
    EmberConf.Redis r = c.redis();
    if (r.sentinels().isEmpty() && r.port() == 0) {
      spec.commandLine().getErr().println("ember status: " + c.source() + " names no Redis port (an embedded Redis on a free port);"
          + " give the conf of a node whose Redis has a fixed port, e.g. -conf conf/worker.json");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      // pasted right after the nodes are started, the head's Redis may not answer yet: wait for it as a node does
      long waitMs = c.startup().waitMs();
      RedisEndpoint endpoint = RedisEndpoint.of(r).withPassword(ClusterSecurity.resolve(c.cluster()).redisPasswordFor(r));
      Gcs gcs;
      try {
        gcs = await(RedisWait.connect(vertx, Clock.systemUTC(), endpoint, waitMs), waitMs + 10_000);
      } catch (Exception e) {
        System.err.println(cannotRead(r, e));
        return 1;
      }
      return watch == null ? once(gcs, r) : watch(gcs, r);
    } finally {
      vertx.close();
    }
  }

  /** The option values picocli cannot check by type alone; a bad one is a refusal (exit 2). */
  void validate() {
    if (recoveries < 0) {
      throw new ParameterException(spec.commandLine(),
          "--recoveries takes an integer >= 0 (entries of each ledger list), got " + recoveries);
    }
    if (watch != null && watch < 1) throw new ParameterException(spec.commandLine(), "--watch takes whole seconds >= 1, got " + watch);
  }

  private int once(Gcs gcs, EmberConf.Redis r) {
    try {
      System.out.print(render(await(StatusReport.build(gcs, recoveries), 10_000)));
      return 0;
    } catch (Exception e) {
      System.err.println(cannotRead(r, e));
      return 1;
    } finally {
      gcs.close();
    }
  }

  /** Until Ctrl-C (the JVM's default SIGINT exit): one screen per tick, a failed read one line; the pauses are on this thread. */
  private int watch(Gcs gcs, EmberConf.Redis r) throws InterruptedException {
    boolean terminal = System.console() != null;
    long period = TimeUnit.SECONDS.toNanos(watch);
    long next = System.nanoTime();
    while (true) {
      String header = "ember status every " + watch + " s (Ctrl-C stops), " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS);
      try {
        String body = render(await(StatusReport.build(gcs, recoveries), 10_000));
        System.out.print(json ? body : (terminal ? "\033[H\033[2J" : "") + header + "\n" + body); // --json: one line per tick
      } catch (Exception e) {
        System.err.println(header + ": " + cannotRead(r, e));
      }
      System.out.flush();
      next += period;
      long wait = next - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait); // the CLI's main thread: no event loop waits here
      else next = System.nanoTime();
    }
  }

  private String render(JsonObject s) {
    if (!json) return StatusReport.render(s);
    return (watch == null ? s.encodePrettily() : s.encode()) + "\n";
  }

  private static <T> T await(Future<T> f, long ms) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(ms, TimeUnit.MILLISECONDS);
  }

  private static String cannotRead(EmberConf.Redis r, Exception e) {
    Throwable c = e.getCause() != null ? e.getCause() : e;
    return "ember status: cannot read the cluster state from Redis at " + r.endpoint() + ": " + c.getMessage();
  }
}
