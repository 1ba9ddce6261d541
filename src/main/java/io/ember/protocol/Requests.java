package io.ember.protocol;

import io.ember.api.ErrorCode;
import io.ember.api.EmberException;
import io.ember.ids.ClientId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Reads fields of JSON requests from the event bus, refusing anything malformed with a
 * {@link ErrorCode#BAD_REQUEST} that names the field and what it must be.
 */
public final class Requests {
  /** The longest deadline a request may ask for: a day. */
  public static final long MAX_TIMEOUT_MS = 86_400_000L;

  private Requests() {}

  public static EmberException bad(String what) {
    return new EmberException(ErrorCode.BAD_REQUEST, what);
  }

  /** The body as a JSON object: a JsonObject, or a String holding one. */
  public static JsonObject object(Object body) {
    if (body instanceof JsonObject o) return o;
    if (body instanceof String s) {
      try {
        return new JsonObject(s);
      } catch (DecodeException e) {
        throw bad("the request is not a JSON object: " + e.getMessage());
      }
    }
    throw bad("the request must be a JSON object, got " + (body == null ? "nothing" : body.getClass().getSimpleName()));
  }

  public static String string(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (!(v instanceof String s) || s.isEmpty()) throw bad("'" + key + "' is required and must be a non-empty string, got " + show(v));
    return s;
  }

  public static JsonArray array(JsonObject o, String key, JsonArray dflt) {
    Object v = o.getValue(key);
    if (v == null && !o.containsKey(key)) return dflt;
    if (!(v instanceof JsonArray a)) throw bad("'" + key + "' must be a JSON array, got " + show(v));
    return a;
  }

  public static JsonObject object(JsonObject o, String key, JsonObject dflt) {
    Object v = o.getValue(key);
    if (v == null && !o.containsKey(key)) return dflt;
    if (!(v instanceof JsonObject j)) throw bad("'" + key + "' must be a JSON object, got " + show(v));
    return j;
  }

  public static int integer(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() != ((Number) v).intValue()) {
      throw bad("'" + key + "' must be an integer, got " + show(v));
    }
    return ((Number) v).intValue();
  }

  public static long longValue(JsonObject o, String key, long dflt) {
    if (!o.containsKey(key)) return dflt;
    Object v = o.getValue(key);
    if (!(v instanceof Integer || v instanceof Long)) throw bad("'" + key + "' must be an integer, got " + show(v));
    return ((Number) v).longValue();
  }

  /** A deadline in ms: {@code dflt} when absent, else an integer from 1 to {@value #MAX_TIMEOUT_MS} (a day). */
  public static long timeoutMs(JsonObject o, String key, long dflt) {
    if (!o.containsKey(key)) return dflt;
    return timeout(longValue(o, key, dflt), key);
  }

  /** A deadline in ms from a header: {@code dflt} when absent, else as {@link #timeoutMs}. */
  public static long timeoutMsHeader(String header, String key, long dflt) {
    if (header == null) return dflt;
    try {
      return timeout(Long.parseLong(header), key);
    } catch (NumberFormatException e) {
      throw bad("header '" + key + "' must be an integer, got " + show(header));
    }
  }

  private static long timeout(long ms, String key) {
    if (ms < 1 || ms > MAX_TIMEOUT_MS) throw bad("'" + key + "' must be from 1 to " + MAX_TIMEOUT_MS + " ms, got " + ms);
    return ms;
  }

  /** An object id from a header: BAD_REQUEST naming the header when absent or malformed. */
  public static ObjectId objectIdHeader(String header, String key) {
    if (header == null) throw bad("header '" + key + "' is required");
    try {
      return ObjectId.parse(header);
    } catch (RuntimeException e) {
      throw bad("header '" + key + "': " + e.getMessage());
    }
  }

  /** A node id from a header: BAD_REQUEST naming the header when absent or malformed. */
  public static NodeId nodeIdHeader(String header, String key) {
    if (header == null) throw bad("header '" + key + "' is required");
    try {
      return new NodeId(header);
    } catch (RuntimeException e) {
      throw bad("header '" + key + "': " + e.getMessage());
    }
  }

  /** A client id from a header: BAD_REQUEST naming the header when absent or malformed. */
  public static ClientId clientIdHeader(String header, String key) {
    if (header == null) throw bad("header '" + key + "' is required");
    try {
      return ClientId.parse(header);
    } catch (RuntimeException e) {
      throw bad("header '" + key + "': " + e.getMessage());
    }
  }

  public static boolean bool(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (!(v instanceof Boolean b)) throw bad("'" + key + "' must be true or false, got " + show(v));
    return b;
  }

  public static ObjectId objectId(JsonObject o, String key) {
    String s = string(o, key);
    try {
      return ObjectId.parse(s);
    } catch (RuntimeException e) {
      throw bad("'" + key + "': " + e.getMessage());
    }
  }

  public static void onlyKeys(JsonObject o, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String k : o.fieldNames()) {
      if (!ok.contains(k)) throw bad("unknown field '" + k + "' (allowed: " + String.join(", ", allowed) + ")");
    }
  }

  /** Replies to {@code m} once {@code result} completes: its value, or its failure's code. */
  public static void replyWith(Message<?> m, Future<?> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) m.reply(ar.result());
      else fail(m, ar.cause());
    });
  }

  /**
   * Replies to {@code m} with the failure's code: an {@link EmberException}'s own, TIMEOUT, or
   * INTERNAL. A requester that asked for it ({@link RemoteFailure#accept}) gets the failure with
   * its fields as a {@link RemoteFailure}; any other gets {@code fail(code, text)}, same code and text.
   */
  public static void fail(Message<?> m, Throwable err) {
    RemoteFailure f = RemoteFailure.of(err);
    if (RemoteFailure.accepted(m)) m.reply(f);
    else m.fail(f.failureCode(), f.getMessage());
  }

  private static String show(Object v) {
    if (v == null) return "nothing";
    String s = v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    return (s.length() > 50 ? s.substring(0, 47) + "..." : s) + " (" + v.getClass().getSimpleName() + ")";
  }
}
