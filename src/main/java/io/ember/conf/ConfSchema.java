package io.ember.conf;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The keys a node conf may hold and their types. Validation refuses an unknown key or a wrong
 * type with a message that names the file, the key's dotted path and the expected type, so a
 * typo never silently falls back to a default.
 */
final class ConfSchema {
  enum Type {
    STRING("a string"), INT("an integer"), BOOL("a boolean (true or false)"),
    NUMBER_MAP("an object of numbers, like {\"cpu\": 2}"), STRING_LIST("an array of strings"), SECTION("an object");

    final String expected;

    Type(String expected) {
      this.expected = expected;
    }
  }

  record Key(Type type, Map<String, Key> children) {
    static Key of(Type t) {
      return new Key(t, Map.of());
    }
  }

  static final Map<String, Key> ROOT = new LinkedHashMap<>();

  /** Keys whose values error messages never quote. */
  static final Set<String> SECRET_KEYS = Set.of("cluster.secret", "redis.password");

  static {
    ROOT.put("node", section(
        "name", Type.STRING, "resources", Type.NUMBER_MAP, "dataDir", Type.STRING, "rejoin", Type.BOOL));
    ROOT.put("cluster", section(
        "name", Type.STRING, "host", Type.STRING, "port", Type.INT, "portAutoIncrement", Type.BOOL,
        "members", Type.STRING_LIST, "busPort", Type.INT, "secret", Type.STRING, "secretFile", Type.STRING, "tls", Type.BOOL));
    ROOT.put("redis", section(
        "host", Type.STRING, "port", Type.INT, "embedded", Type.BOOL, "binary", Type.STRING, "dataDir", Type.STRING,
        "sentinels", Type.STRING_LIST, "masterName", Type.STRING, "replicas", Type.INT, "minReplicaAcks", Type.INT,
        "password", Type.STRING));
    ROOT.put("heartbeat", section("intervalMs", Type.INT, "timeoutMs", Type.INT, "componentTimeoutMs", Type.INT));
    ROOT.put("objects", section(
        "capacityMb", Type.INT, "maxObjectMb", Type.INT, "spill", Type.BOOL, "spillDir", Type.STRING, "transferPort", Type.INT,
        "inlineLimitBytes", Type.INT, "spillMaxMb", Type.INT));
    ROOT.put("scheduler", section("maxBlockedWorkers", Type.INT, "getTimeoutMs", Type.INT, "lineageTtlSec", Type.INT, "maxInFlight", Type.INT));
    ROOT.put("functions", Key.of(Type.STRING_LIST));
    ROOT.put("actors", section("classes", Type.STRING_LIST, "threads", Type.INT, "checkpointEveryCalls", Type.INT,
        "checkpointEveryMs", Type.INT, "checkpointsKept", Type.INT, "maxRestarts", Type.INT));
    ROOT.put("startup", section("waitMs", Type.INT));
    ROOT.put("serial", section("allow", Type.STRING_LIST, "maxDepth", Type.INT));
    ROOT.put("logging", section("level", Type.STRING));
    ROOT.put("metrics", section("port", Type.INT));
    ROOT.put("dashboard", section("port", Type.INT));
  }

  private static Key section(Object... pairs) {
    Map<String, Key> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], Key.of((Type) pairs[i + 1]));
    return new Key(Type.SECTION, m);
  }

  static void validate(String file, JsonObject conf) {
    validate(file, "", conf, ROOT);
  }

  private static void validate(String file, String prefix, JsonObject obj, Map<String, Key> schema) {
    for (String name : obj.fieldNames()) {
      String path = prefix + name;
      Key key = schema.get(name);
      if (key == null) {
        String where = prefix.isEmpty() ? "at the top level" : "in '" + prefix.substring(0, prefix.length() - 1) + "'";
        throw new ConfException(file + ": unknown key '" + path + "' (known keys " + where + ": "
            + String.join(", ", schema.keySet()) + ")");
      }
      Object v = obj.getValue(name);
      if (!matches(key.type(), v)) {
        throw new ConfException(file + ": key '" + path + "' must be " + key.type().expected + ", got "
            + describe(path, v));
      }
      if (key.type() == Type.SECTION) validate(file, path + ".", (JsonObject) v, key.children());
    }
  }

  private static boolean matches(Type t, Object v) {
    switch (t) {
      case STRING: return v instanceof String;
      case INT: return v instanceof Integer || v instanceof Long;
      case BOOL: return v instanceof Boolean;
      case SECTION: return v instanceof JsonObject;
      case STRING_LIST:
        if (!(v instanceof JsonArray a)) return false;
        for (Object e : a) if (!(e instanceof String)) return false;
        return true;
      case NUMBER_MAP:
        if (!(v instanceof JsonObject o)) return false;
        for (String k : o.fieldNames()) if (!(o.getValue(k) instanceof Number)) return false;
        return true;
      default: return false;
    }
  }

  private static String describe(String path, Object v) {
    if (v == null) return "null";
    String type = v instanceof String ? "string" : v instanceof Number ? "number" : v instanceof Boolean ? "boolean"
        : v instanceof JsonArray ? "array" : v instanceof JsonObject ? "object" : v.getClass().getSimpleName();
    String text = v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    if (SECRET_KEYS.contains(path)) text = "(hidden)";   // never quote a secret, even a mistyped one
    if (text.length() > 60) text = text.substring(0, 57) + "...";
    return type + " " + text;
  }
}
