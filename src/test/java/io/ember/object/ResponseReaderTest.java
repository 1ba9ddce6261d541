package io.ember.object;

import static io.ember.object.TestBytes.id;
import static io.ember.object.TestBytes.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {
  private final ResponseReader reader = new ResponseReader(id(1), 1000, "test:1");

  @Test
  void decodesAValueDeliveredOneByteAtATime() {
    Buffer value = random(300, 1);
    Buffer wire = TransferProtocol.found(300).appendBuffer(value);
    for (int i = 0; i < wire.length(); i++) {
      assertFalse(reader.done());
      reader.feed(wire.getBuffer(i, i + 1));
    }
    assertTrue(reader.done());
    assertArrayEquals(value.getBytes(), reader.value().getBytes());
  }

  @Test
  void decodesNotFoundAndEmptyValues() {
    reader.feed(TransferProtocol.notFound());
    assertTrue(reader.done());
    assertNull(reader.value());
    ResponseReader empty = new ResponseReader(id(1), 1000, "test:1");
    empty.feed(TransferProtocol.found(0));
    assertTrue(empty.done());
    assertEquals(0, empty.value().length());
  }

  @Test
  void turnsAnErrorResponseIntoItsCode() {
    Buffer wire = TransferProtocol.error(ErrorCode.OBJECT_LOST, "spill file gone");
    reader.feed(wire.getBuffer(0, 3));
    EmberException e = assertThrows(EmberException.class, () -> reader.feed(wire.getBuffer(3, wire.length())));
    assertEquals(ErrorCode.OBJECT_LOST, e.code());
    assertTrue(e.getMessage().contains("spill file gone"), e.getMessage());
  }

  @Test
  void refusesAnOversizedAnnouncementBeforeAllocating() {
    EmberException e = assertThrows(EmberException.class, () -> reader.feed(TransferProtocol.found(1001)));
    assertEquals(ErrorCode.OBJECT_TOO_LARGE, e.code());
    ResponseReader huge = new ResponseReader(id(1), Long.MAX_VALUE, "test:1");
    assertEquals(ErrorCode.OBJECT_TOO_LARGE,
        assertThrows(EmberException.class, () -> huge.feed(TransferProtocol.found(Long.MAX_VALUE))).code());
  }

  @Test
  void refusesMalformedResponses() {
    assertEquals(ErrorCode.UNAVAILABLE,
        assertThrows(EmberException.class, () -> reader.feed(Buffer.buffer().appendByte((byte) 9))).code());
    ResponseReader trailing = new ResponseReader(id(1), 1000, "test:1");
    assertThrows(EmberException.class, () -> trailing.feed(TransferProtocol.notFound().appendByte((byte) 0)));
    ResponseReader negative = new ResponseReader(id(1), 1000, "test:1");
    assertThrows(EmberException.class, () -> negative.feed(TransferProtocol.found(-5)));
  }

  @Test
  void reportsProgressForErrorMessages() {
    reader.feed(TransferProtocol.found(100).appendBuffer(random(40, 1)));
    assertEquals("40 of 100 bytes", reader.progress());
  }
}
