package io.ember.gcs;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis connection of the monitor's lease thread alone: a plain blocking socket, so that
 * renewing the lease depends neither on the Vert.x event loops (which a flood of tasks can keep
 * busy for seconds) nor on the pooled client's queue (which carries every table read), only on
 * Redis itself. It speaks just what the lease needs (and {@link RedisProcess}'s look at a Redis
 * found on its port): commands and scripts whose answer is an integer, a status or a string.
 *
 * <p>Each call opens the socket if it is closed; any I/O error or timeout closes it, so the next
 * call reconnects (Redis restarted, or a reply lost). Blocking: only the lease thread calls it,
 * never an event loop; not thread-safe.
 */
public final class LeaseLink implements AutoCloseable {
  private final String host;
  private final int port;
  private final int timeoutMs;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /** {@code timeoutMs} bounds the connect and each reply. */
  public LeaseLink(String host, int port, int timeoutMs) {
    this.host = host;
    this.port = port;
    this.timeoutMs = timeoutMs;
  }

  /** Runs {@code script} (EVALSHA, EVAL on NOSCRIPT); its integer answer. */
  long run(Script script, List<String> keys, Object... args) throws IOException {
    Object r = call(evalArgs("EVALSHA", script.sha(), keys, args));
    if (r instanceof ReplyError e && e.getMessage().startsWith("NOSCRIPT")) r = call(evalArgs("EVAL", script.text(), keys, args));
    if (r instanceof ReplyError e) throw e;
    if (r instanceof Long n) return n;
    throw new IOException("expected an integer from " + script.name() + ", got " + r);
  }

  /** A command whose answer is an array of strings (e.g. CONFIG GET). */
  List<String> strings(String... command) throws IOException {
    Object r = call(List.of(command));
    if (r instanceof ReplyError e) throw e;
    if (!(r instanceof List<?> list)) throw new IOException("expected an array from " + command[0] + ", got " + r);
    return list.stream().map(String::valueOf).toList();
  }

  /** A command whose answer is a string, a status or nil (null). */
  String text(String... command) throws IOException {
    Object r = call(List.of(command));
    if (r instanceof ReplyError e) throw e;
    return r == null ? null : r.toString();
  }

  private static List<String> evalArgs(String cmd, String script, List<String> keys, Object... args) {
    List<String> out = new ArrayList<>();
    out.add(cmd);
    out.add(script);
    out.add(Integer.toString(keys.size()));
    out.addAll(keys);
    for (Object a : args) out.add(String.valueOf(a));
    return out;
  }

  private Object call(List<String> command) throws IOException {
    try {
      open();
      write(command);
      return read();
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private void open() throws IOException {
    if (socket != null) return;
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, port), timeoutMs);
      s.setSoTimeout(timeoutMs);
      s.setTcpNoDelay(true);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    socket = s;
    in = new BufferedInputStream(s.getInputStream());
    out = new BufferedOutputStream(s.getOutputStream());
  }

  private void write(List<String> command) throws IOException {
    StringBuilder sb = new StringBuilder().append('*').append(command.size()).append("\r\n");
    for (String part : command) {
      byte[] b = part.getBytes(StandardCharsets.UTF_8);
      sb.append('$').append(b.length).append("\r\n").append(part).append("\r\n");
    }
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One reply: Long, String, null, a List of replies, or a {@link ReplyError} (returned, not thrown: NOSCRIPT is expected). */
  private Object read() throws IOException {
    int type = in.read();
    String line = line();
    return switch (type) {
      case '+' -> line;
      case '-' -> new ReplyError(line);
      case ':' -> Long.parseLong(line);
      case '$' -> bulk(Integer.parseInt(line));
      case '*' -> array(Integer.parseInt(line));
      case -1 -> throw new IOException("Redis at " + host + ":" + port + " closed the connection");
      default -> throw new IOException("unexpected Redis reply type '" + (char) type + "'");
    };
  }

  private List<Object> array(int length) throws IOException {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < length; i++) out.add(read());
    return out;
  }

  private String bulk(int length) throws IOException {
    if (length < 0) return null;
    byte[] b = in.readNBytes(length + 2);
    if (b.length < length + 2) throw new IOException("Redis reply cut short");
    return new String(b, 0, length, StandardCharsets.UTF_8);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) throw new IOException("Redis at " + host + ":" + port + " closed the connection");
      if (c != '\r') b.write(c);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (socket == null) return;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a broken socket: nothing left to do
    }
    socket = null;
  }

  /** An error reply of Redis (e.g. NOT_LEADER, WRONGTYPE). */
  public static final class ReplyError extends IOException {
    ReplyError(String message) {
      super(message);
    }
  }
}
