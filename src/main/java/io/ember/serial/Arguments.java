package io.ember.serial;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The argument rule shared by task functions and actor methods: arguments are checked against
 * the parameter types and widened where that is lossless (a JSON number to {@code int} when it
 * fits, a JSON array to {@code List}, a JSON object to {@code Map}, a one-letter string to
 * {@code char}); anything else is an {@link ErrorCode#ARGUMENT_MISMATCH} naming the parameter.
 * Never calls anything on an argument but the lossless conversions above.
 */
public final class Arguments {
  private Arguments() {}

  /** Checks {@code args} against parameter types and widens them losslessly (the rules above); {@code name} is for messages. */
  public static Object[] coerce(String name, Class<?>[] types, Object[] args) {
    if (args.length != types.length) {
      throw new EmberException(ErrorCode.ARGUMENT_MISMATCH, name + " takes " + types.length + " argument(s), got " + args.length);
    }
    Object[] out = new Object[args.length];
    for (int i = 0; i < args.length; i++) out[i] = coerce(name, i, types[i], args[i]);
    return out;
  }

  /** One argument checked against its parameter type and widened losslessly; {@code name} and {@code i} are for messages. */
  public static Object coerce(String name, int i, Class<?> type, Object v) {
    if (v == null) {
      if (type.isPrimitive()) throw mismatch(name, i, type, null);
      return null;
    }
    Class<?> boxed = box(type);
    if (boxed.isInstance(v)) return v;
    if (v instanceof Number n) {
      if (boxed == Integer.class && n.longValue() == n.doubleValue() && n.longValue() >= Integer.MIN_VALUE
          && n.longValue() <= Integer.MAX_VALUE) return n.intValue();
      if (boxed == Long.class && n.doubleValue() == n.longValue()) return n.longValue();
      if (boxed == Double.class) return n.doubleValue();
      if (boxed == Float.class) return n.floatValue();
      if (boxed == Short.class && n.longValue() == n.shortValue() && n.doubleValue() == n.longValue()) return n.shortValue();
      if (boxed == Byte.class && n.longValue() == n.byteValue() && n.doubleValue() == n.longValue()) return n.byteValue();
    }
    if (v instanceof JsonArray a && type.isAssignableFrom(List.class)) return a.getList();
    if (v instanceof JsonObject o && type.isAssignableFrom(Map.class)) return o.getMap();
    if (v instanceof String s && boxed == Character.class && s.length() == 1) return s.charAt(0);
    throw mismatch(name, i, type, v);
  }

  private static EmberException mismatch(String name, int i, Class<?> type, Object v) {
    // only JDK scalars are shown: toString() of anything else is the sender's code, a classic gadget trigger
    boolean scalar = v instanceof String || v instanceof Number && v.getClass().getName().startsWith("java.")
        || v instanceof Boolean || v instanceof Character;
    String got = v == null ? "null" : v.getClass().getName() + (scalar ? " " + abbreviate(String.valueOf(v)) : "");
    return new EmberException(ErrorCode.ARGUMENT_MISMATCH,
        name + ": argument " + i + " must be " + type.getName() + ", got " + got);
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }

  public static Class<?> box(Class<?> t) {
    if (!t.isPrimitive()) return t;
    if (t == int.class) return Integer.class;
    if (t == long.class) return Long.class;
    if (t == double.class) return Double.class;
    if (t == boolean.class) return Boolean.class;
    if (t == float.class) return Float.class;
    if (t == short.class) return Short.class;
    if (t == byte.class) return Byte.class;
    if (t == char.class) return Character.class;
    return Void.class;
  }
}
