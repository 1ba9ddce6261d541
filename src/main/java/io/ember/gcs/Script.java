package io.ember.gcs;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Lua script of the GCS: its text, read once from a {@code .lua} resource of this package,
 * and its SHA-1 (the name Redis caches it under). A line {@code -- #include other.lua} is
 * replaced by that fragment's text, so shared Lua is written once.
 *
 * <p>{@link #run} sends EVALSHA and, when Redis answers NOSCRIPT (it was restarted empty, or
 * its script cache flushed), sends the text once with EVAL, which caches it again. It never
 * retries anything else and never blocks.
 */
final class Script {
  private static final Pattern INCLUDE = Pattern.compile("(?m)^-- #include (\\S+)$");

  private final String name;
  private final String text;
  private final String sha;

  private Script(String name, String text) {
    this.name = name;
    this.text = text;
    this.sha = sha1(text);
  }

  /** The script in resource {@code name} (next to this class), its includes expanded. */
  static Script load(String name) {
    return new Script(name, expand(resource(name)));
  }

  String name() {
    return name;
  }

  String text() {
    return text;
  }

  String sha() {
    return sha;
  }

  /** EVALSHA with these keys and arguments; EVAL if Redis does not have the script cached. */
  Future<Response> run(Redis redis, List<String> keys, Object... args) {
    return run(redis::send, keys, args);
  }

  /** {@link #run(Redis, List, Object...)} over any sender (e.g. a {@link DedicatedLink}'s connection). */
  Future<Response> run(Function<Request, Future<Response>> send, List<String> keys, Object... args) {
    return send.apply(request(Command.EVALSHA, sha, keys, args)).recover(e -> noScript(e)
        ? send.apply(request(Command.EVAL, text, keys, args))
        : Future.failedFuture(e));
  }

  /** True if {@code e} is Redis saying it does not know a script's SHA. */
  static boolean noScript(Throwable e) {
    return e instanceof Response && String.valueOf(e.getMessage()).startsWith("NOSCRIPT");
  }

  private static Request request(Command cmd, String script, List<String> keys, Object... args) {
    Request r = Request.cmd(cmd).arg(script).arg(keys.size());
    keys.forEach(r::arg);
    for (Object a : args) {
      if (a instanceof byte[] b) {
        r.arg(b);
      } else if (a instanceof Buffer b) {
        r.arg(b);
      } else {
        r.arg(String.valueOf(a));
      }
    }
    return r;
  }

  private static String expand(String text) {
    Matcher m = INCLUDE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(resource(m.group(1))));
    m.appendTail(out);
    return out.toString();
  }

  static String resource(String name) {
    try (InputStream in = Script.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource io/ember/gcs/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha1(String script) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
