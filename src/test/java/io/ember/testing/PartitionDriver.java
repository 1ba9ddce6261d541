package io.ember.testing;

import io.ember.client.EmberClient;
import io.ember.conf.EmberConf;
import io.ember.examples.Fns;
import io.ember.gcs.Gcs;
import io.ember.gcs.GroupLink;
import io.ember.gcs.RedisGroup;
import io.ember.gcs.GcsTesting;
import io.ember.gcs.RedisEndpoint;
import io.ember.ids.JobId;
import io.ember.monitor.StatusReport;
import io.ember.node.HazelcastSetup;
import io.ember.api.ObjectRef;
import io.vertx.core.Future;
import io.ember.security.ClusterSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The driver of {@link NetCluster}: a JVM run inside one host's namespace (the test JVM is in
 * none, so it cannot reach the cluster itself). It reads commands on stdin, one a line, and
 * answers on stdout, one line each, prefixed so the test can find them:
 * <ul>
 *   <li>{@code snap}: {@code SNAP <status JSON>} ({@link StatusReport}, through the sentinels), or {@code SNAP-ERR <why>};</li>
 *   <li>{@code join}: joins the cluster as a driver: {@code JOINED} or {@code JOIN-ERR <why>};</li>
 *   <li>{@code start}: runs jobs back to back until {@code stop}, each a sum of the squares of 1..40
 *       as a DAG of 79 tasks, each line {@code JOB <startMs> <endMs> ok|wrong|fail <detail>};</li>
 *   <li>{@code stop}: {@code STOPPED} once the running job is over;</li>
 *   <li>{@code sentinels}: {@code SENTINELS <n>}: the fewest replicas any sentinel of the group knows of;</li>
 *   <li>{@code audit}: {@code AUDIT <JSON>}: every task row not {@code FINISHED}/{@code FAILED}, with state, owner and node.</li>
 * </ul>
 */
public final class PartitionDriver {
  static final int SQUARES = 40;
  static final long EXPECTED = (long) SQUARES * (SQUARES + 1) * (2 * SQUARES + 1) / 6;
  private static final PrintStream OUT = System.out;

  private final EmberConf conf;
  private final Vertx local = Vertx.vertx();
  private volatile Gcs gcs;
  private volatile EmberClient client;
  private final AtomicBoolean running = new AtomicBoolean();
  private Thread worker;

  private PartitionDriver(EmberConf conf) {
    this.conf = conf;
  }

  public static void main(String[] args) throws Exception {
    PartitionDriver d = new PartitionDriver(EmberConf.load(Path.of(args[0])));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    say("READY");
    for (String line; (line = in.readLine()) != null; ) {
      switch (line.trim()) {
        case "snap" -> d.snap();
        case "join" -> d.join();
        case "start" -> d.start();
        case "stop" -> d.stop();
        case "audit" -> d.audit();
        case "sentinels" -> d.sentinels();
        case "quit" -> Runtime.getRuntime().halt(0);
        default -> say("ERR unknown command " + line);
      }
    }
    Runtime.getRuntime().halt(0);
  }

  static synchronized void say(String line) {
    OUT.println(line);
    OUT.flush();
  }

  private Gcs gcs() throws Exception {
    if (gcs == null) {
      String password = ClusterSecurity.resolve(conf.cluster()).redisPassword();
      gcs = await(Gcs.connect(local, RedisEndpoint.of(conf.redis()).withPassword(password)), 15);
    }
    return gcs;
  }

  private void snap() {
    try {
      say("SNAP " + await(StatusReport.build(gcs(), 1000), 15).encode());
    } catch (Exception e) {
      say("SNAP-ERR " + oneLine(e));
    }
  }

  private void join() {
    try {
      VertxOptions options = new VertxOptions();
      Vertx vertx = await(HazelcastSetup.vertxBuilder(conf.cluster(), options).buildClustered(), 60);
      client = await(EmberClient.connect(vertx, JobId.random(), 60_000), 60);
      say("JOINED");
    } catch (Exception e) {
      say("JOIN-ERR " + oneLine(e));
    }
  }

  private void start() {
    running.set(true);
    worker = new Thread(() -> {
      while (running.get()) job();
    }, "partition-driver-jobs");
    worker.start();
  }

  private void job() {
    long t0 = System.currentTimeMillis();
    try {
      List<ObjectRef<Long>> level = new ArrayList<>();
      for (long i = 1; i <= SQUARES; i++) level.add(client.task(Fns::square, i).remote());
      while (level.size() > 1) {
        List<ObjectRef<Long>> next = new ArrayList<>();
        for (int i = 0; i + 1 < level.size(); i += 2) next.add(client.task(Fns::add, level.get(i), level.get(i + 1)).remote());
        if (level.size() % 2 == 1) next.add(level.get(level.size() - 1));
        level = next;
      }
      long v = level.get(0).get(Duration.ofSeconds(60));
      say("JOB " + t0 + " " + System.currentTimeMillis() + (v == EXPECTED ? " ok " : " wrong ") + v);
    } catch (RuntimeException e) {
      say("JOB " + t0 + " " + System.currentTimeMillis() + " fail " + oneLine(e));
    }
  }

  private void stop() throws InterruptedException {
    running.set(false);
    if (worker != null) worker.join(120_000);
    say("STOPPED");
  }

  /** Every task row that is neither FINISHED nor FAILED (SCAN over {@code ember:task:*}). */
  private void audit() {
    try {
      var redis = GcsTesting.redis(gcs());
      JsonArray rows = new JsonArray();
      String cursor = "0";
      do {
        Response r = await(redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("ember:task:*").arg("COUNT").arg(1000)), 15);
        cursor = r.get(0).toString();
        for (Response key : r.get(1)) {
          Response h = await(redis.send(Request.cmd(Command.HMGET).arg(key.toString()).arg("state").arg("owner").arg("node")), 15);
          String state = h.get(0) == null ? null : h.get(0).toString();
          if (state == null || state.equals("FINISHED") || state.equals("FAILED")) continue;
          rows.add(new JsonObject().put("key", key.toString()).put("state", state)
              .put("owner", h.get(1) == null ? null : h.get(1).toString()).put("node", h.get(2) == null ? null : h.get(2).toString()));
        }
      } while (!cursor.equals("0"));
      say("AUDIT " + new JsonObject().put("rows", rows).encode());
    } catch (Exception e) {
      say("AUDIT-ERR " + oneLine(e));
    }
  }

  /**
   * A sentinel learns the replicas from the primary's INFO, which it reads every 10 s: one that has
   * not read it since the replicas joined cannot fail over (no replica it knows of is "good").
   */
  private void sentinels() {
    try (GroupLink link = new GroupLink(1000, ClusterSecurity.resolve(conf.cluster()).redisPassword())) {
      int fewest = Integer.MAX_VALUE;
      for (String s : conf.redis().sentinels()) {
        Response r = link.await(link.ask(RedisGroup.Address.parse(s),
            Request.cmd(Command.SENTINEL).arg("REPLICAS").arg(conf.redis().masterName())));
        fewest = Math.min(fewest, r.size());
      }
      say("SENTINELS " + fewest);
    } catch (Exception e) {
      say("SENTINELS-ERR " + oneLine(e));
    }
  }

  private static <T> T await(Future<T> f, int seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  private static String oneLine(Throwable e) {
    Throwable c = e.getCause() != null && e instanceof ExecutionException ? e.getCause() : e;
    return (c.getClass().getSimpleName() + ": " + c.getMessage()).replace('\n', ' ');
  }
}
