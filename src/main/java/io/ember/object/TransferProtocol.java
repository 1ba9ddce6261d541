package io.ember.object;

import io.ember.ids.ObjectId;
import io.ember.api.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The object-transfer wire format, shared by {@link TransferServer} and {@link TransferClient}.
 * All integers are big-endian.
 *
 * <pre>
 * request  (client → server)
 *   u8   'E' (0x45)          magic
 *   u8   1                   version
 *   u16  n                   length of the id, 1..{@value #MAX_ID_BYTES}
 *   n    bytes               object id, UTF-8, "&lt;32 hex digits&gt;.&lt;index&gt;"
 *
 * response (server → client), one per request, in order
 *   u8   status              0 FOUND, 1 NOT_FOUND, 2 ERROR
 *   FOUND:      i64 size, then exactly size bytes of the serialised value
 *   NOT_FOUND:  nothing more
 *   ERROR:      u16 code ({@link ErrorCode#code}), u16 m, m bytes UTF-8 message;
 *               then the server closes the connection
 * </pre>
 *
 * A connection may carry several exchanges, one after another: the client sends its next request
 * only once it has read the whole previous response. A malformed request (wrong magic or version,
 * id length 0 or over the maximum, unparsable id) is answered with ERROR {@code BAD_REQUEST} and
 * the connection is closed.
 *
 * <p>Holds only constants and encoders; never touches a socket.
 */
final class TransferProtocol {
  static final byte MAGIC = 'E';
  static final byte VERSION = 1;
  static final int REQUEST_HEADER_BYTES = 4;
  static final int MAX_ID_BYTES = 128;

  static final byte FOUND = 0;
  static final byte NOT_FOUND = 1;
  static final byte ERROR = 2;

  private TransferProtocol() {
  }

  static Buffer request(ObjectId id) {
    byte[] text = id.toString().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(REQUEST_HEADER_BYTES + text.length)
        .appendByte(MAGIC).appendByte(VERSION).appendUnsignedShort(text.length).appendBytes(text);
  }

  static Buffer found(long size) {
    return Buffer.buffer(9).appendByte(FOUND).appendLong(size);
  }

  static Buffer notFound() {
    return Buffer.buffer(1).appendByte(NOT_FOUND);
  }

  static Buffer error(ErrorCode code, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    int len = Math.min(text.length, 0xFFFF);
    return Buffer.buffer(5 + len).appendByte(ERROR).appendUnsignedShort(code.code)
        .appendUnsignedShort(len).appendBytes(text, 0, len);
  }
}
