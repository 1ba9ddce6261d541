package io.ember.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.Remote;
import io.ember.api.ErrorCode;
import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionRegistryTest {
  public static final class Some {
    @Remote
    public static long twice(long x) {
      return 2 * x;
    }

    @Remote
    public static int count(List<?> xs) {
      return xs.size();
    }

    public static long hidden() {
      return 1;
    }
  }

  public static final class Overloaded {
    @Remote
    public static long f(long x) {
      return x;
    }

    @Remote
    public static long f(long x, long y) {
      return x + y;
    }
  }

  @Test
  void onlyMarkedMethodsOfRegisteredClassesRun() throws Throwable {
    FunctionRegistry r = new FunctionRegistry();
    r.register(Some.class);
    String twice = Some.class.getName() + ".twice";
    assertEquals(10L, r.lookup(twice).invoke(new Object[] {5}));
    assertEquals(ErrorCode.UNKNOWN_FUNCTION, assertThrows(EmberException.class, () -> r.lookup(Some.class.getName() + ".hidden")).code());
    assertEquals(ErrorCode.UNKNOWN_FUNCTION, assertThrows(EmberException.class, () -> r.lookup("java.lang.System.exit")).code());
  }

  @Test
  void overloadsAndEmptyClassesAreRefusedAtRegistration() {
    FunctionRegistry r = new FunctionRegistry();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> r.register(Overloaded.class)).getMessage().contains("overloaded"));
    assertThrows(IllegalArgumentException.class, () -> r.register(String.class));
    assertThrows(IllegalArgumentException.class, () -> r.register("no.such.Clazz", getClass().getClassLoader()));
  }

  @Test
  void argumentsAreCoercedOnlyWhenLossless() throws Throwable {
    FunctionRegistry r = new FunctionRegistry();
    r.register(Some.class);
    RemoteFunction twice = r.lookup(Some.class.getName() + ".twice");
    assertEquals(6L, twice.invoke(new Object[] {3L}));
    EmberException frac = assertThrows(EmberException.class, () -> twice.invoke(new Object[] {2.5}));
    assertEquals(ErrorCode.ARGUMENT_MISMATCH, frac.code());
    assertTrue(frac.getMessage().contains("argument 0 must be long"), frac.getMessage());
    assertEquals(ErrorCode.ARGUMENT_MISMATCH, assertThrows(EmberException.class, () -> twice.invoke(new Object[] {})).code());
    assertEquals(ErrorCode.ARGUMENT_MISMATCH, assertThrows(EmberException.class, () -> twice.invoke(new Object[] {null})).code());
    assertEquals(2, r.lookup(Some.class.getName() + ".count").invoke(new Object[] {new JsonArray().add(1).add(2)}));
  }
}
