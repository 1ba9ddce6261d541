package io.ember.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValuesTest {
  record Point(int x, int y) implements Serializable {}

  @Test
  void commonAndSerializableValuesRoundTrip() {
    DecodePolicy before = Values.policy();
    Values.policy(before.allowing(List.of("io.ember.serial.*"))); // as a node whose functions live here
    try {
      roundTrips();
    } finally {
      Values.policy(before);
    }
  }

  private static void roundTrips() {
    List<Object> values = new ArrayList<>(List.of(true, false, 7, 7L, 2.5, "héllo", new JsonObject().put("a", 1),
        new JsonArray().add(1).add("x"), new Point(1, 2), List.of(1, 2, 3)));
    values.add(null);
    for (Object v : values) assertEquals(v, Values.decode(Values.encode(v)), String.valueOf(v));
    assertArrayEquals(new byte[] {0, -1, 5}, (byte[]) Values.decode(Values.encode(new byte[] {0, -1, 5})));
  }

  @Test
  void unserialisableValuesNameTheirType() {
    EmberException e = assertThrows(EmberException.class, () -> Values.encode(new Object()));
    assertEquals(ErrorCode.NOT_SERIALIZABLE, e.code());
    assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    EmberException nested = assertThrows(EmberException.class, () -> Values.encode(new ArrayList<>(List.of(new Object()))));
    assertEquals(ErrorCode.NOT_SERIALIZABLE, nested.code());
  }

  @Test
  void jsonFormsAndBytes() {
    assertEquals(new JsonObject().put("$bytes", "AQI="), Values.toJson(new byte[] {1, 2}));
    assertArrayEquals(new byte[] {1, 2}, (byte[]) Values.fromJson(new JsonObject().put("$bytes", "AQI=")));
    assertEquals(new JsonArray().add(1).add(2), Values.toJson(List.of(1, 2)));
    assertEquals(ErrorCode.NOT_SERIALIZABLE, assertThrows(EmberException.class, () -> Values.toJson(new Point(1, 2))).code());
    assertEquals(ErrorCode.BAD_REQUEST, assertThrows(EmberException.class,
        () -> Values.fromJson(new JsonObject().put("$bytes", "!!"))).code());
  }
}
