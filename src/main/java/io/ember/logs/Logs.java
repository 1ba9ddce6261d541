package io.ember.logs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Ember's logging, java.util.logging configured once per process by the command line (every
 * entry point goes through it): one line per event ({@link LogLine}) on stderr, Ember's own
 * events at INFO ({@code logging.level} in the conf), Vert.x, Hazelcast and Netty at WARNING,
 * and for a node a file under its data directory ({@link NodeLogFile}) as well.
 *
 * <p>Two known-harmless notices are silenced where they come from, each by its exact logger:
 * Hazelcast's "CP Subsystem is not enabled ... UNSAFE mode" (logged unconditionally by
 * {@code com.hazelcast.cp.CPSubsystem} when no CP members are configured: Ember uses no CP
 * structure for anything that needs strong consistency; Redis holds its state), and Vert.x's
 * "You're already on a Vert.x context" (Ember builds small Vert.x instances of its own on
 * purpose, for its Redis links that must not share a busy loop). And the event bus's
 * "Connecting to server X failed", once per attempt, is logged once per dead node ({@link RepeatFilter}),
 * and its "Connection reset" when a peer dies is a warning, not an error ({@link #peerReset}).
 *
 * <p>Never: replaces a configuration the user gave ({@code -Djava.util.logging.config.file} or
 * {@code .class}): then this class changes nothing.
 */
public final class Logs {
  /** Ember's own loggers: their level is {@code logging.level}. */
  public static final String EMBER = "io.ember";

  private static final Map<String, Level> LIBRARIES = Map.of(
      "io.vertx", Level.WARNING, "io.netty", Level.WARNING, "com.hazelcast", Level.WARNING,
      "com.hazelcast.cp.CPSubsystem", Level.SEVERE);
  private static final String VERTX_IMPL = "io.vertx.core.impl.VertxImpl";
  private static final String ON_A_CONTEXT = "You're already on a Vert.x context";
  private static final String EVENT_BUS = "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus";
  private static final String CONNECTION = "io.vertx.core.net.impl.ConnectionBase";

  /**
   * Hazelcast's loggers that report a member's departure, several lines each (its connection
   * closed with the socket's exception, each failed reconnection with a count, "suspected to be
   * dead", "Not Member!" for operations still aimed at it, the partition table's unknown
   * addresses, one line per partition it was the only owner of): a peer's death is an event
   * Ember expects and reports itself, once (the monitor's verdict). Each of these loggers logs at
   * most one line per 10 s ({@link BurstFilter}).
   */
  private static final List<String> MEMBER_CHURN = List.of(
      "com.hazelcast.internal.server.tcp.TcpServerConnection",
      "com.hazelcast.internal.server.tcp.TcpServerConnectionErrorHandler",
      "com.hazelcast.internal.cluster.impl.MembershipManager",
      "com.hazelcast.spi.impl.operationservice.OperationService",
      "com.hazelcast.internal.partition.InternalPartitionService",
      "com.hazelcast.internal.partition.impl.MigrationManager");

  // Held: a logger's level is lost when the logger is garbage-collected.
  private static final Map<String, Logger> HELD = new HashMap<>();
  private static volatile Handler console;
  private static volatile NodeLogFile file;

  private Logs() {}

  /** The console (stderr) format and levels; called first thing by the command line. Idempotent. */
  public static synchronized void configure() {
    if (userConfigured() || console != null) return;
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) root.removeHandler(h);
    console = new ConsoleHandler();
    console.setFormatter(new LogLine());
    console.setLevel(Level.ALL);
    root.addHandler(console);
    root.setLevel(Level.INFO);
    LIBRARIES.forEach((name, level) -> hold(name).setLevel(level));
    hold(EMBER).setLevel(Level.INFO);
    hold(VERTX_IMPL).setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith(ON_A_CONTEXT));
    hold(EVENT_BUS).setFilter(new RepeatFilter("Connecting to server ", 10_000, System::currentTimeMillis));
    hold(CONNECTION).setFilter(Logs::peerReset);
    for (String name : MEMBER_CHURN) hold(name).setFilter(new BurstFilter(10_000, System::currentTimeMillis));
  }

  /** Ember's own events from {@code level} up (the conf's {@code logging.level}). */
  public static void level(Level level) {
    if (!userConfigured()) hold(EMBER).setLevel(level);
  }

  /**
   * Writes the log to {@code <dir>/node.log} as well (see {@link NodeLogFile} for a directory
   * shared by several nodes); returns that file, or null if it cannot be opened (said once on stderr).
   */
  public static synchronized Path toFile(Path dir) {
    if (userConfigured()) return null;
    configure();
    if (file != null) return file.file();
    try {
      file = NodeLogFile.in(dir);
    } catch (IOException e) {
      System.err.println("ember: cannot write a log file in " + dir + " (" + e.getMessage() + "): logging to the console only");
      return null;
    }
    file.setFormatter(new LogLine());
    file.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(file);
    return file.file();
  }

  /** As {@link #toFile}, and nothing on the console any more (a command whose stdout and stderr are its report). */
  public static synchronized Path onlyToFile(Path dir) {
    Path f = toFile(dir);
    if (f != null) Logger.getLogger("").removeHandler(console);
    return f;
  }

  /** The log file of this process, or null. */
  public static Path file() {
    NodeLogFile f = file;
    return f == null ? null : f.file();
  }

  /**
   * A {@code logging.level} value: a java.util.logging level name ({@code SEVERE}, {@code WARNING},
   * {@code INFO}, {@code CONFIG}, {@code FINE}, {@code FINER}, {@code FINEST}, {@code ALL}, {@code OFF})
   * or {@code ERROR}, {@code WARN}, {@code DEBUG}, {@code TRACE}, in any case; null if it is none of them.
   */
  public static Level parse(String name) {
    String n = name.strip().toUpperCase(Locale.ROOT);
    return switch (n) {
      case "ERROR" -> Level.SEVERE;
      case "WARN" -> Level.WARNING;
      case "DEBUG" -> Level.FINE;
      case "TRACE" -> Level.FINEST;
      case "SEVERE", "WARNING", "INFO", "CONFIG", "FINE", "FINER", "FINEST", "ALL", "OFF" -> Level.parse(n);
      default -> null;
    };
  }

  /**
   * Vert.x logs "Connection reset" as an error for a connection it set no exception handler on: the
   * event bus's server side, when a peer's process dies. That is the peer's event, not an error of
   * this node: a warning, saying what it means. Always logged.
   */
  static boolean peerReset(LogRecord r) {
    if ("Connection reset".equals(r.getMessage()) && r.getLevel() == Level.SEVERE) {
      r.setLevel(Level.WARNING);
      r.setMessage("Connection reset (a peer's connection ended abruptly: its process died or was killed)");
    }
    return true;
  }

  private static boolean userConfigured() {
    return System.getProperty("java.util.logging.config.file") != null || System.getProperty("java.util.logging.config.class") != null;
  }

  private static Logger hold(String name) {
    synchronized (HELD) {
      return HELD.computeIfAbsent(name, Logger::getLogger);
    }
  }
}
