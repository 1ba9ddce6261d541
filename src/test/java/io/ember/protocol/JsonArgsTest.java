package io.ember.protocol;

import io.ember.api.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.ids.ObjectId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JsonArgsTest {
  static final String OID = "0123456789abcdef0123456789abcdef.1";

  @Test
  void valuesAndReferencesKeepTheirPositions() {
    JsonArgs a = JsonArgs.decode(new JsonArray().add(1).add(new JsonObject().put("$ref", OID)).add("x")
        .add(new JsonObject().put("$bytes", "AQI=")).add(new JsonObject().put("k", 2)));
    assertEquals(5, a.values().length);
    assertArrayEquals(new boolean[] {false, true, false, false, false}, a.isRef());
    assertEquals(1, a.values()[0]);
    assertEquals(new JsonArgs.Ref(ObjectId.parse(OID)), a.values()[1]);
    assertEquals(OID, ((JsonArgs.Ref) a.values()[1]).id());
    assertEquals("x", a.values()[2]);
    assertArrayEquals(new byte[] {1, 2}, (byte[]) a.values()[3]);
    assertEquals(new JsonObject().put("k", 2), a.values()[4]);
  }

  @Test
  void noArgumentsIsEmpty() {
    JsonArgs a = JsonArgs.decode(new JsonArray());
    assertEquals(0, a.values().length);
    assertEquals(0, JsonArgs.values(new JsonArray()).length);
  }

  @Test
  void aReferenceWithAnotherKeyIsABadRequestAtItsPosition() {
    EmberException e = bad(new JsonArray().add(1).add(new JsonObject().put("$ref", OID).put("extra", 1)));
    assertTrue(e.getMessage().startsWith("args[1]: "), e.getMessage());
    assertTrue(e.getMessage().contains("unknown field 'extra'"), e.getMessage());
  }

  @Test
  void aMalformedObjectIdIsABadRequestAtItsPosition() {
    EmberException e = bad(new JsonArray().add(new JsonObject().put("$ref", "nope")));
    assertTrue(e.getMessage().startsWith("args[0]: '$ref'"), e.getMessage());
  }

  @Test
  void aReferenceThatIsNotAStringIsABadRequest() {
    EmberException e = bad(new JsonArray().add(0).add(0).add(new JsonObject().put("$ref", 7)));
    assertTrue(e.getMessage().startsWith("args[2]: '$ref' is required and must be a non-empty string"), e.getMessage());
    EmberException empty = bad(new JsonArray().add(new JsonObject().put("$ref", "")));
    assertTrue(empty.getMessage().startsWith("args[0]: "), empty.getMessage());
  }

  @Test
  void bytesThatAreNotBase64AreABadRequestAtTheirPosition() {
    EmberException e = bad(new JsonArray().add(new JsonObject().put("$bytes", "!!!")));
    assertTrue(e.getMessage().startsWith("args[0]: '$bytes' is not base64"), e.getMessage());
    EmberException plain = assertThrows(EmberException.class,
        () -> JsonArgs.values(new JsonArray().add(3).add(new JsonObject().put("$bytes", "!!!"))));
    assertEquals(ErrorCode.BAD_REQUEST, plain.code());
    assertTrue(plain.getMessage().startsWith("args[1]: "), plain.getMessage());
  }

  @Test
  void plainValuesTakeAReferenceAsTheJsonObjectItIs() {
    Object[] v = JsonArgs.values(new JsonArray().add(new JsonObject().put("$ref", OID)));
    assertInstanceOf(JsonObject.class, v[0]);
  }

  @Test
  void theJsonDoorGivesEachFailureItsCode() {
    assertFalse(JsonDoor.answer("x", () -> Future.succeededFuture(1)).failed());
    assertEquals(ErrorCode.UNKNOWN_FUNCTION, code(JsonDoor.answer("x", () -> {
      throw new EmberException(ErrorCode.UNKNOWN_FUNCTION, "no");
    })));
    Future<Object> badId = JsonDoor.answer("x", () -> {
      throw new IllegalArgumentException("bad id");
    });
    assertEquals(ErrorCode.BAD_REQUEST, code(badId));
    assertEquals("bad id", badId.cause().getMessage());
    Future<Object> other = JsonDoor.answer("submit", () -> {
      throw new IllegalStateException("boom");
    });
    assertEquals(ErrorCode.INTERNAL, code(other));
    assertTrue(other.cause().getMessage().startsWith("submit failed: "), other.cause().getMessage());
  }

  private static ErrorCode code(Future<?> f) {
    assertTrue(f.failed());
    return ((EmberException) f.cause()).code();
  }

  private static EmberException bad(JsonArray args) {
    EmberException e = assertThrows(EmberException.class, () -> JsonArgs.decode(args));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    return e;
  }
}
