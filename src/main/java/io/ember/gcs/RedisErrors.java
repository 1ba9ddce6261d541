package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.VertxException;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one classifier of Redis failures that pass: a reply by which Redis refused a command it
 * did not run (still loading its data, busy in a script, a replica or a demoted primary, no
 * primary or replicas yet, ...) and the loss of the connection. Callers wait and try again for
 * these; every other reply (a wrong type, a script's own error such as NOT_LEADER) is an answer.
 *
 * <p>Redis 6.2 (the bundled binary) reports an error that a command inside a script raised as
 * {@code ERR Error running script (call to f_<sha>): @user_script:1: @user_script: 1: -READONLY
 * You can't write against a read only replica.}; {@link #code} finds the code inside that form
 * too, so a script refused by a replica is as transient as a plain command.
 *
 * <p>A pure function of the failure: no state, no I/O.
 */
public final class RedisErrors {
  /** Replies that say "not now": the command did not run, and the same command may succeed shortly. */
  public static final Set<String> TRANSIENT_CODES = Set.of(
      "LOADING", "BUSY", "MASTERDOWN", "NOREPLICAS", "READONLY", "TRYAGAIN", "CLUSTERDOWN");
  /** {@link #code} of a lost or silent connection (not a reply). */
  public static final String CONNECTION = "CONNECTION";

  /** A code inside a script error: "-READONLY ..." after the script's location. */
  private static final Pattern IN_SCRIPT = Pattern.compile("-([A-Z][A-Z_]*) ");
  private static final Pattern FIRST_WORD = Pattern.compile("^([A-Z][A-Z_]*)( |$)");
  /** The Vert.x client's form of a failed batch: one line per failed command, "ERR [index] cause" (its ERR stripped). */
  private static final Pattern BATCH = Pattern.compile("^ERR \\[\\d+\\] (.*)");

  private RedisErrors() {}

  /**
   * The Redis error code of a reply ({@code LOADING}, {@code READONLY}, {@code ERR}, {@code NOSCRIPT},
   * a script's own {@code NOT_LEADER}, ...; for a script error wrapping a transient code, that
   * code), {@link #CONNECTION} for a lost connection, or null for anything else.
   */
  public static String code(Throwable failure) {
    Throwable t = root(failure);
    if (t instanceof Response) return isClosedConnection(t) ? CONNECTION : replyCode(t.getMessage());
    return connectionLoss(t) ? CONNECTION : null;
  }

  /** True for a transient reply ({@link #TRANSIENT_CODES}, plain or inside a script error) or a lost connection. */
  public static boolean isTransient(Throwable failure) {
    String code = code(failure);
    return code != null && (code.equals(CONNECTION) || TRANSIENT_CODES.contains(code));
  }

  /** True for a transient reply of Redis (it refused the command, so it did not run): safe to re-send any command. */
  public static boolean isTransientReply(Throwable failure) {
    String code = code(failure);
    return code != null && TRANSIENT_CODES.contains(code);
  }

  /**
   * For the table writer, which reconnects and re-sends in order: a transient reply, or a script
   * that a restarted Redis no longer has (NOSCRIPT), or memory full (OOM: writes wait until Redis
   * frees some), or the Vert.x client's CONNECTION_CLOSED (a lost connection, not a refusal: taken
   * for one, it failed 3 batches for good).
   */
  public static boolean isTransientForWriter(Throwable failure) {
    String code = code(failure);
    return code != null && (TRANSIENT_CODES.contains(code) || code.equals("NOSCRIPT") || code.equals("OOM"))
        || isClosedConnection(failure);
  }

  /** True when the reply says this connection reaches a replica (a demoted primary): it must be dropped. */
  public static boolean isReadOnly(Throwable failure) {
    return "READONLY".equals(code(failure));
  }

  /**
   * True for the pseudo-reply {@code CONNECTION_CLOSED} with which the Vert.x client fails the
   * requests in flight when their connection closes: a lost connection, not an answer of Redis.
   */
  public static boolean isClosedConnection(Throwable failure) {
    return failure instanceof Response && "CONNECTION_CLOSED".equals(failure.getMessage());
  }

  /** The code of a reply's text (see {@link #code}). */
  static String replyCode(String message) {
    if (message == null) return null;
    Matcher batch = BATCH.matcher(message.lines().findFirst().orElse(""));
    if (batch.find()) {
      String inner = replyCode(batch.group(1));
      return inner != null ? inner : "ERR";
    }
    Matcher first = FIRST_WORD.matcher(message);
    String code = first.find() ? first.group(1) : null;
    if ((code == null || code.equals("ERR")) && message.contains("Error running script")) {
      Matcher inner = IN_SCRIPT.matcher(message);
      while (inner.find()) {
        if (TRANSIENT_CODES.contains(inner.group(1))) return inner.group(1);
      }
    }
    return code;
  }

  /** UNAVAILABLE naming the endpoint and the last reply or loss, for a caller whose wait for Redis is over. */
  static EmberException unavailable(RedisEndpoint endpoint, long waitedMs, Throwable last) {
    String why = root(last) instanceof Response ? "it answered " + root(last).getMessage()
        : "no answer (" + String.valueOf(root(last).getMessage()) + ")";
    return new EmberException(ErrorCode.UNAVAILABLE,
        "Redis at " + endpoint.describe() + " is not serving after " + waitedMs + " ms: " + why, last);
  }

  private static boolean connectionLoss(Throwable t) {
    if (t instanceof EmberException e) return e.code() == ErrorCode.UNAVAILABLE;
    if (t instanceof IOException || t instanceof TimeoutException) return true;
    // the Vert.x Redis client fails a request on a closed connection with a bare message (a
    // VertxException, or a Throwable that is no Exception); a link of ours says "not connected"
    String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
    boolean aboutConnection = m.contains("connection") || m.contains("closed") || m.contains("not connected");
    boolean bareFailure = t instanceof VertxException || t instanceof IllegalStateException
        || !(t instanceof Exception) && !(t instanceof Error);
    return aboutConnection && bareFailure;
  }

  /** The failure itself, unless it only wraps another (an UNAVAILABLE of ours keeps its own meaning). */
  private static Throwable root(Throwable failure) {
    Throwable t = failure;
    while (!(t instanceof Response) && !(t instanceof EmberException) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
