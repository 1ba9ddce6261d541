package io.ember.gcs;

import io.ember.gcs.RedisGroup.Address;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.ember.util.BoundedWait;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.TreeSet;
import java.util.Set;

/**
 * Short questions to the Redis group's processes (a redis-server or a sentinel at a given
 * address: PING, ROLE, INFO, SENTINEL, SHUTDOWN), over the Vert.x Redis client on a small Vert.x
 * instance of its own (one event loop), so that the group's supervision depends on none of the
 * node's event loops or connections. Each question opens a connection, asks, and closes it:
 * these are a few questions every couple of seconds, not a hot path.
 *
 * <p>Futures everywhere; the blocking helpers ({@link #await}, {@link #master}, {@link #answers})
 * are for the supervisor's worker threads and the CLI, and refuse to run on an event loop.
 */
public final class GroupLink implements AutoCloseable {
  private final Vertx vertx;
  private final long timeoutMs;
  private final String password;

  public GroupLink(long timeoutMs) {
    this(timeoutMs, null);
  }

  /** {@code password}: the group's processes' {@code requirepass} (null or "" = none); sent on every connection. */
  public GroupLink(long timeoutMs, String password) {
    this.password = password;
    this.vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1).setUseDaemonThread(true)
            .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)))
        .build();
    this.timeoutMs = timeoutMs;
  }

  /** The password this link authenticates with (the group's processes are started with it). */
  public String password() {
    return password;
  }

  /** Sends {@code request} to the process at {@code at} on a connection of its own; fails after the timeout. */
  public Future<Response> ask(Address at, Request request) {
    var options = RedisEndpoint.standalone(at.host(), at.port()).withPassword(password).options();
    options.getNetClientOptions().setConnectTimeout((int) timeoutMs);
    Redis client = Redis.createClient(vertx, options);
    return client.connect()
        .compose(conn -> conn.send(request).eventually(conn::close))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .eventually(() -> {
          client.close();
          return Future.succeededFuture();
        });
  }

  /** Waits (on a plain thread) for {@code f}: its value, or an IOException naming the cause. */
  public <T> T await(Future<T> f) throws IOException {
    if (Context.isOnEventLoopThread()) throw new IllegalStateException("a blocking wait on an event loop");
    try {
      return f.toCompletionStage().toCompletableFuture().get(2 * timeoutMs + 100, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("no answer within " + (2 * timeoutMs + 100) + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** True if something at {@code at} answers PING (a loading or syncing Redis counts: it answers). */
  public boolean answers(Address at) {
    try {
      await(ask(at, Request.cmd(Command.PING)));
      return true;
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().startsWith("LOADING");
    }
  }

  /** The pid a redis-server or sentinel at {@code at} reports ({@code INFO server}). */
  public long pid(Address at) throws IOException {
    for (String line : await(ask(at, Request.cmd(Command.INFO).arg("server"))).toString().split("\r?\n")) {
      if (line.startsWith("process_id:")) return Long.parseLong(line.substring("process_id:".length()).trim());
    }
    throw new IOException(at + ": INFO server named no process_id");
  }

  /**
   * The primary the answering sentinels name for {@code masterName} (the answer most of them
   * give; empty if none answers). Asks them all at once.
   */
  public Optional<Address> master(List<Address> sentinels, String masterName) {
    List<Future<Address>> asked = new ArrayList<>();
    for (Address s : sentinels) {
      asked.add(ask(s, Request.cmd(Command.SENTINEL).arg("get-master-addr-by-name").arg(masterName))
          .map(r -> r == null || r.size() < 2 ? null : new Address(r.get(0).toString(), r.get(1).toInteger()))
          .otherwise((Address) null));
    }
    Map<Address, Integer> votes = new LinkedHashMap<>();
    for (Future<Address> f : asked) {
      try {
        Address a = await(f);
        if (a != null) votes.merge(a, 1, Integer::sum);
      } catch (IOException e) {
        // that sentinel did not answer in time: no vote
      }
    }
    return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
  }

  /**
   * The flags the answering sentinels give {@code masterName}'s primary ({@code SENTINEL master}),
   * all together: {@code o_down} or {@code failover_in_progress} among them means a failover is
   * under way or about to be.
   */
  public Set<String> masterFlags(List<Address> sentinels, String masterName) {
    Set<String> flags = new TreeSet<>();
    for (Address s : sentinels) {
      try {
        String f = Resp.strings(await(ask(s, Request.cmd(Command.SENTINEL).arg("master").arg(masterName)))).get("flags");
        if (f != null) flags.addAll(List.of(f.split(",")));
      } catch (IOException e) {
        // that sentinel does not answer, or does not watch the group yet: no flags from it
      }
    }
    return flags;
  }

  /** Stops this link's Vert.x instance (waits at most 2 s off an event loop). */
  @Override
  public void close() {
    BoundedWait.atMost(vertx.close(), 2000);
  }

}
