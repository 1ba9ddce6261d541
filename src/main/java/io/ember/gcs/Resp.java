package io.ember.gcs;

import io.vertx.redis.client.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Decoding helpers for Redis replies that look the same under RESP2 and RESP3. */
final class Resp {
  private Resp() {
  }

  /** An HGETALL reply (a RESP3 map or a RESP2 flat array) as field → value; empty if none. */
  static Map<String, Response> hash(Response r) {
    Map<String, Response> out = new LinkedHashMap<>();
    if (r == null) return out;
    if (r.isMap()) {
      for (String k : r.getKeys()) out.put(k, r.get(k));
    } else {
      for (int i = 0; i + 1 < r.size(); i += 2) out.put(r.get(i).toString(), r.get(i + 1));
    }
    return out;
  }

  /** An HGETALL reply with every value as text. */
  static Map<String, String> strings(Response r) {
    Map<String, String> out = new LinkedHashMap<>();
    hash(r).forEach((k, v) -> out.put(k, v == null ? null : v.toString()));
    return out;
  }

  static String text(Map<String, Response> h, String field) {
    Response v = h.get(field);
    return v == null ? null : v.toString();
  }

  static long number(Map<String, String> h, String field, long otherwise) {
    String v = h.get(field);
    if (v == null || v.isEmpty()) return otherwise;
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
