package io.ember.cli;

import io.ember.conf.ConfException;
import io.ember.conf.EmberConf;
import io.ember.logs.Logs;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The jar's entry point: parses the command line with picocli ({@link NodeCommand} and its
 * subcommands) and exits with the command's code. Exit codes: 0 done, 1 failed, 2 refused (an
 * unknown command or flag, a bad value, a bad conf: one message naming what was wrong). A node
 * that started keeps the JVM running; nothing here exits then.
 *
 * <p>Never: prints a stack trace for a refusal, or lets an unknown flag pass silently.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Logs.configure(); // before anything logs: every command and every node logs one line per event
    NodeCommand root = new NodeCommand();
    int code = commandLine(root).execute(args);
    if (code != 0 || !root.running()) System.exit(code);
  }

  /** The parser of every command, with Ember's refusal and conf-error handling. */
  static CommandLine commandLine(NodeCommand root) {
    CommandLine cl = new CommandLine(root);
    // -cluster, -conf: single-dash long names, as the Vert.x launcher spells them; a misspelt one must
    // be named as given, not split into clustered one-letter options ("-clustr" as -c + "lustr")
    cl.setPosixClusteredShortOptionsAllowed(false);
    cl.setParameterExceptionHandler(Main::refuse);
    cl.setExecutionExceptionHandler(Main::failed);
    return cl;
  }

  /** {@code ember status: Unknown option: '--jsn'}, suggestions, the command's synopsis; exit 2. */
  private static int refuse(ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    PrintWriter err = c.getErr();
    err.println(prefix(c) + ": " + (unknownCommand(e) ? "unknown command '" + e.getCommandLine().getUnmatchedArguments().get(0) + "'"
        : e.getMessage()));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.print("usage: " + c.getHelp().synopsis(0));
    err.println("see: java -jar node.jar " + (c.getParent() == null ? "" : c.getCommandName() + " ") + "--help");
    err.flush();
    return c.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** A conf that does not validate is a refusal (exit 2, one line); anything else a failure (exit 1). */
  private static int failed(Exception e, CommandLine c, ParseResult parsed) {
    PrintWriter err = c.getErr();
    if (e instanceof ConfException) {
      err.println(prefix(c) + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    err.println(prefix(c) + ": failed: " + e);
    e.printStackTrace(err);
    err.flush();
    return 1;
  }

  /** A word where the top command expects a command or an option: a misspelt command. */
  private static boolean unknownCommand(ParameterException e) {
    if (!(e instanceof UnmatchedArgumentException) || e.getCommandLine().getParent() != null) return false;
    List<String> unmatched = e.getCommandLine().getUnmatchedArguments();
    return !unmatched.isEmpty() && !unmatched.get(0).startsWith("-");
  }

  private static String prefix(CommandLine c) {
    return c.getParent() == null ? "ember" : "ember " + c.getCommandName();
  }

  /** The conf named by {@code -conf} (a file, or inline JSON as the launcher allows), validated; null: the defaults. */
  static EmberConf confFrom(String value) {
    if (value == null) return EmberConf.from("(no -conf: defaults)", new JsonObject());
    if (value.trim().startsWith("{")) {
      try {
        return EmberConf.from("-conf", new JsonObject(value));
      } catch (DecodeException e) {
        throw new ConfException("-conf: not a JSON object: " + e.getMessage());
      }
    }
    return EmberConf.load(Path.of(value));
  }

  /**
   * Without {@code -cluster} the launcher builds a Vert.x that joins no cluster. A conf that names
   * cluster members is meant for a cluster: refused. Otherwise the node runs alone: one warning line
   * (null when {@code -cluster} is there).
   */
  static String aloneWarning(boolean cluster, EmberConf conf) {
    if (cluster) return null;
    if (conf.cluster().namesMembers()) {
      throw new ConfException(conf.source() + " names cluster.members " + conf.cluster().members()
          + " but -cluster is missing: add -cluster to join them");
    }
    return "ember: warning: no -cluster: this node runs alone (it joins no cluster; no other node can reach it)";
  }
}
