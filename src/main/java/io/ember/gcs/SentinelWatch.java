package io.ember.gcs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tells a dedicated connection that its master was switched: it subscribes to {@code +switch-master}
 * on one of the Sentinels (the next one after any loss, once a second) and runs {@code onSwitch}
 * when the event names its master. A connection to a primary that was frozen (SIGSTOP, a long
 * pause) rather than killed never ends by itself, and a primary demoted while alive keeps
 * accepting writes until the Sentinels reconfigure it; this event is when a {@link RedisLink}
 * stops using it and asks the Sentinels again.
 *
 * <p>Confined to one Vert.x context (the link's). It never blocks and never sends a command other
 * than SUBSCRIBE.
 */
final class SentinelWatch {
  private static final long RETRY_MS = 1_000;
  private static final String CHANNEL = "+switch-master";

  private final Context context;
  private final String password;
  private final List<String> sentinels;
  private final String masterName;
  private final Runnable onSwitch;
  private int next;
  private int generation;
  private Redis client;
  private boolean closed;

  private SentinelWatch(Context context, List<String> sentinels, String masterName, String password, Runnable onSwitch) {
    this.context = context;
    this.password = password;
    this.sentinels = sentinels;
    this.masterName = masterName;
    this.onSwitch = onSwitch;
  }

  /** A watch for a Sentinel client's options (started), or null for any other kind of options. */
  static SentinelWatch of(Context context, RedisOptions options, Runnable onSwitch) {
    if (options.getType() != RedisClientType.SENTINEL) return null;
    SentinelWatch w = new SentinelWatch(context, List.copyOf(options.getEndpoints()), options.getMasterName(), options.getPassword(),
        onSwitch);
    context.runOnContext(v -> w.connect());
    return w;
  }

  /** True if a pub/sub message is {@code +switch-master} for {@code masterName} (RESP3 push or RESP2 array). */
  static boolean isSwitchOf(Response msg, String masterName) {
    if (msg == null || (msg.type() != ResponseType.PUSH && msg.type() != ResponseType.MULTI) || msg.size() < 3) return false;
    return "message".equalsIgnoreCase(msg.get(0).toString()) && CHANNEL.equals(msg.get(1).toString())
        && msg.get(2).toString().startsWith(masterName + " ");
  }

  void close() {
    context.runOnContext(v -> {
      closed = true;
      generation++;
      dispose();
    });
  }

  private void connect() {
    if (closed) return;
    int gen = ++generation;
    String sentinel = sentinels.get(next++ % sentinels.size());
    client = Redis.createClient(context.owner(),
        RedisEndpoint.hostPort(sentinel.replaceFirst("^redis://", "")).withPassword(password).options());
    client.connect()
        .compose(c -> subscribe(gen, c))
        .timeout(RETRY_MS * 5, TimeUnit.MILLISECONDS)
        .onFailure(e -> lost(gen));
  }

  private Future<Response> subscribe(int gen, RedisConnection c) {
    if (gen != generation || closed) {
      c.close();
      return Future.failedFuture("superseded");
    }
    c.handler(msg -> {
      if (isSwitchOf(msg, masterName)) onSwitch.run();
    });
    c.endHandler(v -> lost(gen));
    c.exceptionHandler(e -> lost(gen));
    return c.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL));
  }

  private void lost(int gen) {
    if (gen != generation || closed) return;
    generation++;
    dispose();
    int again = generation;
    context.owner().setTimer(RETRY_MS, t -> context.runOnContext(v -> {
      if (again == generation) connect();
    }));
  }

  private void dispose() {
    Redis r = client;
    client = null;
    if (r != null) r.close();
  }
}
