package io.ember.serial;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Turns task arguments and results into bytes and back, and into JSON for the event-bus API.
 *
 * <p>Wire form: one tag byte, then the payload. The common types (null, booleans, int, long,
 * double, String, byte[], JSON objects and arrays) have compact tags of their own; any other
 * {@link Serializable} value is written with Java serialisation. A value that is neither fails
 * with {@link ErrorCode#NOT_SERIALIZABLE} naming its type — before anything is sent, so nothing
 * half-written is ever stored.
 */
public final class Values {
  private Values() {}

  static final byte NULL = 0, TRUE = 1, FALSE = 2, INT = 3, LONG = 4, DOUBLE = 5, STRING = 6,
      BYTES = 7, JSON_OBJECT = 8, JSON_ARRAY = 9, JAVA = 10;

  private static final Buffer NULL_BYTES = Buffer.buffer(new byte[] {NULL});

  /** What Java-tagged values may contain in this JVM: set once by a node from its conf, widened by a driver per function class. */
  private static volatile DecodePolicy policy = DecodePolicy.defaults();

  /** Replaces this JVM's decode policy (a node, from its conf). */
  public static void policy(DecodePolicy p) {
    policy = p;
  }

  public static DecodePolicy policy() {
    return policy;
  }

  /** Also allows the package of the class named (a driver, for the classes of the functions and actors it uses). */
  public static synchronized void allowPackageOf(String className) {
    DecodePolicy p = policy;
    if (!p.allowsName(className)) policy = p.allowingPackagesOf(List.of(className));
  }

  public static Buffer encode(Object value) {
    if (value == null) return NULL_BYTES.copy();
    if (value instanceof Boolean b) return Buffer.buffer(1).appendByte(b ? TRUE : FALSE);
    if (value instanceof Integer i) return Buffer.buffer(5).appendByte(INT).appendInt(i);
    if (value instanceof Long l) return Buffer.buffer(9).appendByte(LONG).appendLong(l);
    if (value instanceof Double d) return Buffer.buffer(9).appendByte(DOUBLE).appendDouble(d);
    if (value instanceof String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return Buffer.buffer(1 + b.length).appendByte(STRING).appendBytes(b);
    }
    if (value instanceof byte[] b) return Buffer.buffer(1 + b.length).appendByte(BYTES).appendBytes(b);
    if (value instanceof JsonObject o) return tagged(JSON_OBJECT, o.toBuffer());
    if (value instanceof JsonArray a) return tagged(JSON_ARRAY, a.toBuffer());
    return java(value);
  }

  private static Buffer tagged(byte tag, Buffer body) {
    return Buffer.buffer(1 + body.length()).appendByte(tag).appendBuffer(body);
  }

  private static Buffer java(Object value) {
    if (!(value instanceof Serializable)) {
      throw notSerializable(value.getClass().getName(), "it does not implement java.io.Serializable");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(JAVA);
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(value);
    } catch (NotSerializableException e) {
      throw notSerializable(value.getClass().getName(), "it holds a " + e.getMessage() + ", which is not Serializable");
    } catch (IOException | RuntimeException e) {
      throw notSerializable(value.getClass().getName(), e.toString());
    }
    return Buffer.buffer(out.toByteArray());
  }

  private static EmberException notSerializable(String type, String why) {
    return new EmberException(ErrorCode.NOT_SERIALIZABLE, "a value of type " + type + " cannot be serialised: " + why);
  }

  /** Decodes with the context class loader (user classes live there). */
  public static Object decode(Buffer bytes) {
    return decode(bytes, Thread.currentThread().getContextClassLoader());
  }

  public static Object decode(Buffer bytes, ClassLoader loader) {
    if (bytes == null || bytes.length() == 0) {
      throw new EmberException(ErrorCode.BAD_REQUEST, "an encoded value is empty");
    }
    byte tag = bytes.getByte(0);
    switch (tag) {
      case NULL: return null;
      case TRUE: return Boolean.TRUE;
      case FALSE: return Boolean.FALSE;
      case INT: return bytes.getInt(1);
      case LONG: return bytes.getLong(1);
      case DOUBLE: return bytes.getDouble(1);
      case STRING: return bytes.getString(1, bytes.length(), "UTF-8");
      case BYTES: return bytes.getBytes(1, bytes.length());
      case JSON_OBJECT: return new JsonObject(bytes.getBuffer(1, bytes.length()));
      case JSON_ARRAY: return new JsonArray(bytes.getBuffer(1, bytes.length()));
      case JAVA: return readJava(bytes.getBytes(1, bytes.length()), loader);
      default: throw new EmberException(ErrorCode.BAD_REQUEST, "unknown value tag " + tag);
    }
  }

  /**
   * Java deserialisation, only through this JVM's {@link DecodePolicy}: a refused class, depth or
   * size is a NOT_SERIALIZABLE naming it, and whatever a value's own readObject throws is too.
   * Messages name types only: nothing is called on a decoded object.
   */
  private static Object readJava(byte[] body, ClassLoader loader) {
    DecodePolicy.Refusal refusal = new DecodePolicy.Refusal();
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(body), loader)) {
      in.setObjectInputFilter(policy.filter(body.length, refusal));
      return in.readObject();
    } catch (ClassNotFoundException e) {
      throw new EmberException(ErrorCode.NOT_SERIALIZABLE, "a value's class is not on this node's classpath: " + e.getMessage());
    } catch (IOException | RuntimeException | StackOverflowError e) {
      if (refusal.reason() != null) {
        throw new EmberException(ErrorCode.NOT_SERIALIZABLE, "a value was refused: " + refusal.reason());
      }
      throw new EmberException(ErrorCode.NOT_SERIALIZABLE, "a value could not be deserialised: " + e.getClass().getName()
          + (e.getMessage() == null ? "" : ": " + abbreviate(e.getMessage())));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 197) + "..." : s;
  }

  /** The JSON form of a value, for event-bus replies; fails with NOT_SERIALIZABLE if it has none. */
  public static Object toJson(Object value) {
    if (value == null || value instanceof Boolean || value instanceof String || value instanceof JsonObject
        || value instanceof JsonArray) {
      return value;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Double) return value;
    if (value instanceof Number n) return (n instanceof Float || n instanceof BigDecimal) ? n.doubleValue() : n.longValue();
    if (value instanceof Character c) return c.toString();
    if (value instanceof byte[] b) return new JsonObject().put("$bytes", Base64.getEncoder().encodeToString(b));
    if (value instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      for (Map.Entry<?, ?> e : m.entrySet()) o.put(String.valueOf(e.getKey()), toJson(e.getValue()));
      return o;
    }
    if (value instanceof Iterable<?> it) {
      JsonArray a = new JsonArray();
      for (Object e : it) a.add(toJson(e));
      return a;
    }
    if (value instanceof Enum<?> e) return e.name();
    if (value.getClass().isArray()) return toJson(Arrays.asList(boxed(value)));
    throw notSerializable(value.getClass().getName(), "it has no JSON form; read it from Java instead");
  }

  private static Object[] boxed(Object array) {
    int n = Array.getLength(array);
    Object[] out = new Object[n];
    for (int i = 0; i < n; i++) out[i] = Array.get(array, i);
    return out;
  }

  /** A JSON value from an event-bus message, as the Java value Ember stores ({"$bytes": b64} becomes byte[]). */
  public static Object fromJson(Object json) {
    if (json instanceof JsonObject o && o.size() == 1 && o.getValue("$bytes") instanceof String s) {
      try {
        return Base64.getDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        throw new EmberException(ErrorCode.BAD_REQUEST, "'$bytes' is not base64: " + e.getMessage());
      }
    }
    if (json instanceof Map<?, ?> m) return new JsonObject(castMap(m));
    if (json instanceof List<?> l) return new JsonArray(l);
    return json;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
