package io.ember.protocol;

import io.ember.api.ErrorCode;
import io.ember.api.EmberException;
import io.ember.api.ObjectRef;
import io.ember.ids.ObjectId;
import io.ember.serial.Values;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The arguments of a JSON request ({@code ember.submit}, {@code ember.actor.call},
 * {@code ember.actor.create}) decoded into what the client API takes: JSON values (with
 * {@code {"$bytes": base64}} as a {@code byte[]}) and, where references are allowed,
 * {@code {"$ref": objectId}} as an {@link ObjectRef}. The one home for that decoding: a malformed
 * argument is a {@link ErrorCode#BAD_REQUEST} whose text starts with its position
 * ({@code args[2]: ...}) and says what was wrong. Never checks arguments against a function or
 * method signature: that is the caller's (ARGUMENT_MISMATCH).
 *
 * @param values one per argument: a plain value, or a {@link Ref}
 * @param isRef  {@code isRef[i]} when {@code values[i]} is an object reference
 */
public record JsonArgs(Object[] values, boolean[] isRef) {

  /** Values or {@code {"$ref": objectId}} references. */
  public static JsonArgs decode(JsonArray args) {
    Object[] values = new Object[args.size()];
    boolean[] isRef = new boolean[args.size()];
    for (int i = 0; i < values.length; i++) {
      Object a = args.getValue(i);
      try {
        if (a instanceof JsonObject o && o.containsKey("$ref")) {
          Requests.onlyKeys(o, "$ref");
          values[i] = new Ref(Requests.objectId(o, "$ref"));
          isRef[i] = true;
        } else {
          values[i] = Values.fromJson(a);
        }
      } catch (EmberException e) {
        throw at(i, e);
      }
    }
    return new JsonArgs(values, isRef);
  }

  /** Plain values only: an object with a {@code $ref} key is passed as that JSON object (as {@code ember.actor.create} always did). */
  public static Object[] values(JsonArray args) {
    Object[] values = new Object[args.size()];
    for (int i = 0; i < values.length; i++) {
      try {
        values[i] = Values.fromJson(args.getValue(i));
      } catch (EmberException e) {
        throw at(i, e);
      }
    }
    return values;
  }

  private static EmberException at(int i, EmberException e) {
    if (e.code() != ErrorCode.BAD_REQUEST) return e;
    return Requests.bad("args[" + i + "]: " + e.getMessage());
  }

  /** An object reference given in JSON: it passes through the client as an {@link ObjectRef} that only has an id. */
  public record Ref(ObjectId oid) implements ObjectRef<Object> {
    @Override
    public String id() {
      return oid.toString();
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object get(Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Object> toFuture() {
      throw new UnsupportedOperationException();
    }
  }
}
