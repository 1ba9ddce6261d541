package io.ember.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The attacks of issue 11 on Java-tagged values, each refused fast with a typed error naming what was wrong. */
class DecodePolicyTest {
  record Point(int x, int y) implements Serializable {}

  enum Colour { RED }

  private DecodePolicy before;

  @BeforeEach
  void policyOfANodeWhoseFunctionsLiveInThisPackage() {
    before = Values.policy();
    Values.policy(DecodePolicy.defaults().allowingPackagesOf(List.of(DecodePolicyTest.class.getName())));
  }

  @AfterEach
  void restore() {
    Values.policy(before);
  }

  @Test
  void jdkValuesCollectionsAndTheRegisteredPackagesTypesAreDecoded() {
    List<Object> values = List.of(new ArrayList<>(List.of(1, 2L, "x")), Map.of("a", 1), Set.of(1.5), List.of(),
        new TreeMap<>(Map.of("k", new Point(1, 2))), UUID.randomUUID(), Instant.ofEpochMilli(5), Colour.RED,
        new java.math.BigDecimal("1.25"), new int[][] {{1}, {2}}, new Point[] {new Point(3, 4)});
    for (Object v : values) {
      Object back = Values.decode(Values.encode(v));
      if (v.getClass().isArray()) assertEquals(v.getClass(), back.getClass());
      else assertEquals(v, back);
    }
  }

  @Test
  void aClassOutsideTheAllowListIsRefusedByName() {
    EmberException e = assertThrows(EmberException.class, () -> Values.decode(Values.encode(new ConcurrentHashMap<>(Map.of(1, 2)))));
    assertEquals(ErrorCode.NOT_SERIALIZABLE, e.code());
    assertTrue(e.getMessage().contains("java.util.concurrent.ConcurrentHashMap") && e.getMessage().contains("serial.allow"), e.getMessage());
    Values.policy(DecodePolicy.defaults());
    EmberException user = assertThrows(EmberException.class, () -> Values.decode(Values.encode(new Point(1, 2))));
    assertTrue(user.getMessage().contains(Point.class.getName()), user.getMessage());
  }

  @Test
  void serialAllowAddsAClassOrAPackage() {
    Values.policy(DecodePolicy.defaults().allowing(List.of(Point.class.getName())));
    assertEquals(new Point(1, 2), Values.decode(Values.encode(new Point(1, 2))));
    assertEquals(ErrorCode.NOT_SERIALIZABLE, assertThrows(EmberException.class, () -> Values.decode(Values.encode(Colour.RED))).code());
    Values.policy(DecodePolicy.defaults().allowing(List.of("io.ember.serial.*")));
    assertEquals(new Point(1, 2), Values.decode(Values.encode(new Point(1, 2))));
    assertFalse(DecodePolicy.defaults().allowing(List.of("io.ember.serial.*")).allowsName("io.ember.serial.sub.X"));
  }

  @Test
  void aHugeArrayHeaderIn36BytesIsRefusedWithoutAllocating() throws IOException {
    byte[] stream = javaStream(new long[] {7});
    assertEquals(35, stream.length);
    stream[23] = 0x7f; // the array's length: 0x7ffffff0 longs, 16 GiB
    stream[24] = (byte) 0xff;
    stream[25] = (byte) 0xff;
    stream[26] = (byte) 0xf0;
    EmberException e = refusedFast(tagged(stream));
    assertTrue(e.getMessage().contains("2147483632 elements in 35 bytes"), e.getMessage());
  }

  @Test
  void twentyThousandNestedArraysAreRefusedAtTheDepthLimit() {
    // the stream of new Object[] {new Object[] {...}} written by hand: the JDK's writer itself overflows its stack
    Buffer b = Buffer.buffer().appendBytes(hex("aced0005 7572 0013 5b4c6a6176612e6c616e672e4f626a6563743b 90ce589f1073296c 0200 00 78 70 00000001"));
    for (int i = 0; i < 20_000; i++) b.appendBytes(hex("75 71 007e0000 00000001"));
    b.appendByte((byte) 0x70);
    EmberException e = refusedFast(tagged(b.getBytes()));
    assertTrue(e.getMessage().contains("deeper than 20 levels"), e.getMessage());
  }

  @Test
  void aNestedSetHashBombIsRefusedAtTheDepthLimit() throws IOException {
    Set<Object> root = new HashSet<>();
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < 30; i++) { // depth 26 held a worker for 23.7 s without a limit
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("x");
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    byte[] stream = javaStream(root);
    assertTrue(stream.length < 2_000, "payload " + stream.length + " bytes");
    EmberException e = refusedFast(tagged(stream));
    assertTrue(e.getMessage().contains("deeper than 20 levels"), e.getMessage());
  }

  @Test
  void theDepthLimitIsAConfKeyAndDeepLegitimateValuesPassUnderIt() {
    List<Object> nested = new ArrayList<>();
    List<Object> cur = nested;
    for (int i = 0; i < 30; i++) {
      List<Object> next = new ArrayList<>();
      cur.add(next);
      cur = next;
    }
    assertEquals(ErrorCode.NOT_SERIALIZABLE, assertThrows(EmberException.class, () -> Values.decode(Values.encode(nested))).code());
    Values.policy(Values.policy().withMaxDepth(100));
    assertEquals(nested, Values.decode(Values.encode(nested)));
  }

  @Test
  void anArgumentMismatchNamesTheTypeWithoutCallingTheValuesToString() {
    AtomicInteger calls = new AtomicInteger();
    Object hostile = new Object() {
      @Override
      public String toString() {
        calls.incrementAndGet();
        return "gadget";
      }
    };
    EmberException e = assertThrows(EmberException.class, () -> Arguments.coerce("f", new Class<?>[] {int.class}, new Object[] {hostile}));
    assertEquals(ErrorCode.ARGUMENT_MISMATCH, e.code());
    assertEquals(0, calls.get(), e.getMessage());
    assertTrue(e.getMessage().contains("must be int"), e.getMessage());
  }

  private static EmberException refusedFast(Buffer payload) {
    return assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      EmberException e = assertThrows(EmberException.class, () -> Values.decode(payload));
      assertEquals(ErrorCode.NOT_SERIALIZABLE, e.code(), e.getMessage());
      return e;
    });
  }

  private static byte[] javaStream(Object o) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
    }
    return b.toByteArray();
  }

  private static Buffer tagged(byte[] stream) {
    return Buffer.buffer().appendByte(Values.JAVA).appendBytes(stream);
  }

  private static byte[] hex(String s) {
    String h = s.replace(" ", "");
    byte[] out = new byte[h.length() / 2];
    for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    return out;
  }
}
