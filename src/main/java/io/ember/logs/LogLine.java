package io.ember.logs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One line per event: {@code 2026-12-02 07:49:17.123 WARNING Monitor: message}, the logger's last
 * name segment standing for the logger. A record's exception is summed up on the same line
 * ({@code : ConnectException: Connection refused}), its causes after it; only a {@code SEVERE}
 * record, a real error, gets its stack trace on the lines that follow.
 *
 * <p>Never: spreads a warning over several lines (line breaks in a message become " | ").
 */
public final class LogLine extends Formatter {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  @Override
  public String format(LogRecord r) {
    StringBuilder sb = new StringBuilder(160);
    sb.append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ').append(r.getLevel().getName()).append(' ')
        .append(shortName(r.getLoggerName())).append(": ").append(oneLine(formatMessage(r)));
    Throwable t = r.getThrown();
    if (t != null) sb.append(": ").append(summary(t));
    sb.append(System.lineSeparator());
    if (t != null && r.getLevel().intValue() >= Level.SEVERE.intValue()) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      sb.append(trace);
    }
    return sb.toString();
  }

  /** {@code io.ember.monitor.Monitor} -> {@code Monitor}; a logger without a name is {@code root}. */
  static String shortName(String logger) {
    if (logger == null || logger.isEmpty()) return "root";
    return logger.substring(logger.lastIndexOf('.') + 1);
  }

  /** {@code AnnotatedConnectException: Connection refused: /127.0.0.1:44775}, then each different cause after " <- ". */
  static String summary(Throwable t) {
    StringBuilder sb = new StringBuilder();
    String last = null;
    for (Throwable c = t; c != null && sb.length() < 500; c = c.getCause() == c ? null : c.getCause()) {
      String one = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + oneLine(c.getMessage()));
      if (last != null && last.contains(c.getMessage() == null ? one : c.getMessage())) continue; // a cause that says nothing new
      if (last != null) sb.append(" <- ");
      sb.append(one);
      last = one;
    }
    return sb.toString();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " | ");
  }
}
