package io.ember.gcs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The order in which this process asks a set of Sentinels for the primary. The Vert.x Sentinel
 * client takes the first sentinel that answers, whatever it says; a sentinel that missed a
 * failover (it was cut off, or so young that it never learned the replicas and the other
 * sentinels before the primary died) goes on naming the dead primary, and a process that asks it
 * first would never reach the new one. So when a connection made through the sentinels fails,
 * its user calls {@link #suspect}: every sentinel is asked ({@code SENTINEL MASTER}), and the
 * ones naming the primary of the highest configuration epoch (the latest failover any of them
 * took part in) go first from then on, this machine's own first among them
 * ({@link RedisEndpoint.Sentinel#localFirst}). Shared by every client of this process; never
 * blocks.
 */
public final class SentinelOrder {
  private static final Logger LOG = Logger.getLogger(SentinelOrder.class.getName());
  /** Least time between two rounds of questions for one set of sentinels. */
  static final long MIN_GAP_MS = 500;
  static final long ASK_TIMEOUT_MS = 1_000;

  private static final Map<String, SentinelOrder> ORDERS = new ConcurrentHashMap<>();

  private final String masterName;
  private volatile List<String> order;
  private volatile Future<Void> asking = Future.succeededFuture();
  private volatile long askedAt;

  private SentinelOrder(List<String> sentinels, String masterName) {
    this.masterName = masterName;
    this.order = RedisEndpoint.Sentinel.localFirst(sentinels);
  }

  private static SentinelOrder of(List<String> sentinels, String masterName) {
    return ORDERS.computeIfAbsent(masterName + "@" + new TreeSet<>(sentinels), k -> new SentinelOrder(sentinels, masterName));
  }

  /** {@code sentinels} (host:port each) in the order to ask them now. */
  public static List<String> current(List<String> sentinels, String masterName) {
    return of(sentinels, masterName).order;
  }

  /** {@code options} (of any kind) with a Sentinel client's sentinels put in the {@link #current} order. */
  static RedisOptions reordered(RedisOptions options) {
    if (options.getType() != io.vertx.redis.client.RedisClientType.SENTINEL) return options;
    List<String> now = current(hosts(options), options.getMasterName());
    List<String> endpoints = new ArrayList<>();
    for (String s : now) endpoints.add("redis://" + s);
    return options.setEndpoints(endpoints);
  }

  /** The first sentinel {@code options} would ask, or null for other kinds of options. */
  static String first(RedisOptions options) {
    if (options.getType() != io.vertx.redis.client.RedisClientType.SENTINEL) return null;
    return current(hosts(options), options.getMasterName()).get(0);
  }

  private static List<String> hosts(RedisOptions options) {
    List<String> sentinels = new ArrayList<>();
    for (String e : options.getEndpoints()) sentinels.add(e.replaceFirst("^redis://", ""));
    return sentinels;
  }

  /**
   * A connection through {@code options} (a Sentinel client's) failed: asks every sentinel which
   * primary it names, at most once per {@value #MIN_GAP_MS} ms; completes (never fails) once the
   * order is updated, or at once for any other kind of options.
   */
  public static Future<Void> suspect(Vertx vertx, RedisOptions options) {
    if (options.getType() != io.vertx.redis.client.RedisClientType.SENTINEL) return Future.succeededFuture();
    return of(hosts(options), options.getMasterName()).ask(vertx, options.getPassword());
  }

  private synchronized Future<Void> ask(Vertx vertx, String password) {
    if (!asking.isComplete() || System.currentTimeMillis() - askedAt < MIN_GAP_MS) return asking;
    askedAt = System.currentTimeMillis();
    List<String> now = order;
    List<Future<View>> views = new ArrayList<>();
    for (String s : now) views.add(view(vertx, s, password));
    Promise<Void> done = Promise.promise();
    asking = done.future();
    Future.join(views).onComplete(ar -> {
      List<View> answered = new ArrayList<>();
      for (Future<View> v : views) if (v.succeeded()) answered.add(v.result());
      List<String> next = reorder(now, answered);
      if (!next.equals(now)) {
        order = next;
        LOG.info("Sentinels for '" + masterName + "': asking " + next + " in this order from now on (the first named the primary"
            + " of the latest failover: " + answered.stream().max(Comparator.comparingLong(View::epoch)).map(View::primary).orElse("?")
            + ")");
      }
      done.complete();
    });
    return asking;
  }

  /** What one sentinel said: the primary it names and its configuration epoch. */
  record View(String sentinel, String primary, long epoch) {}

  /** Those naming the primary of the highest epoch first (in {@code now}'s order), then the rest; silent ones last. */
  static List<String> reorder(List<String> now, List<View> answered) {
    View best = answered.stream().max(Comparator.comparingLong(View::epoch)).orElse(null);
    if (best == null) return now;
    List<String> first = new ArrayList<>();
    List<String> then = new ArrayList<>();
    List<String> silent = new ArrayList<>();
    for (String s : now) {
      View v = answered.stream().filter(a -> a.sentinel().equals(s)).findFirst().orElse(null);
      if (v == null) silent.add(s);
      else (v.primary().equals(best.primary()) ? first : then).add(s);
    }
    first.addAll(then);
    first.addAll(silent);
    return first;
  }

  private Future<View> view(Vertx vertx, String sentinel, String password) {
    RedisOptions o = RedisEndpoint.hostPort(sentinel).withPassword(password).options()
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) ASK_TIMEOUT_MS).setTcpNoDelay(true));
    Redis client = Redis.createClient(vertx, o);
    return client.send(Request.cmd(Command.SENTINEL).arg("MASTER").arg(masterName))
        .timeout(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(r -> view(sentinel, r))
        .eventually(client::close);
  }

  private static View view(String sentinel, Response r) {
    Map<String, String> h = Resp.strings(r);
    return new View(sentinel, h.get("ip") + ":" + h.get("port"), Resp.number(h, "config-epoch", 0));
  }
}
