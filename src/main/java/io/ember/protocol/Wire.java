package io.ember.protocol;

import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Cursor-based reading and writing of Ember's binary message fields. Reading a corrupt buffer
 * throws an {@link IndexOutOfBoundsException}; it never allocates by a length it read.
 */
public final class Wire {
  private final Buffer buf;
  private int pos;

  public Wire(Buffer buf, int pos) {
    this.buf = buf;
    this.pos = pos;
  }

  public static void putString(Buffer b, String s) {
    if (s == null) {
      b.appendInt(-1);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.appendInt(bytes.length).appendBytes(bytes);
  }

  public static void putBytes(Buffer b, Buffer bytes) {
    if (bytes == null) {
      b.appendInt(-1);
      return;
    }
    b.appendInt(bytes.length()).appendBuffer(bytes);
  }

  public static void putTask(Buffer b, TaskId id) {
    b.appendLong(id.hi()).appendLong(id.lo());
  }

  /** An actor id travels as the task id it is derived from. */
  public static void putActor(Buffer b, ActorId id) {
    putTask(b, id.task());
  }

  /** A client id travels as its string (null as absent). */
  public static void putClient(Buffer b, ClientId id) {
    putString(b, id == null ? null : id.value());
  }

  public static void putObject(Buffer b, ObjectId id) {
    putTask(b, id.task());
    b.appendInt(id.index());
  }

  public int position() {
    return pos;
  }

  public byte getByte() {
    return buf.getByte(pos++);
  }

  public int getInt() {
    int v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  public long getLong() {
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  public double getDouble() {
    double v = buf.getDouble(pos);
    pos += 8;
    return v;
  }

  public boolean getBoolean() {
    return getByte() != 0;
  }

  public String getString() {
    int n = getInt();
    if (n < 0) return null;
    require(n);
    String s = buf.getString(pos, pos + n, "UTF-8");
    pos += n;
    return s;
  }

  public Buffer getBytes() {
    int n = getInt();
    if (n < 0) return null;
    require(n);
    Buffer b = buf.getBuffer(pos, pos + n);
    pos += n;
    return b;
  }

  /** A length read from a corrupt buffer fails here, before anything is allocated by it. */
  private void require(int n) {
    if (n > buf.length() - pos) {
      throw new IndexOutOfBoundsException("a field of " + n + " bytes at " + pos + " runs past the end (" + buf.length() + " bytes)");
    }
  }

  public TaskId getTask() {
    return new TaskId(getLong(), getLong());
  }

  public ActorId getActor() {
    return new ActorId(getTask());
  }

  public ClientId getClient() {
    String s = getString();
    return s == null ? null : new ClientId(s);
  }

  public ObjectId getObject() {
    return new ObjectId(getTask(), getInt());
  }
}
