package io.ember.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the command line in this JVM, with its exit code and what it printed through picocli. */
record CliRun(int code, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine(new NodeCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Parsed only (nothing runs): the command object the arguments select. */
  static Object parsed(String... args) {
    CommandLine.ParseResult r = Main.commandLine(new NodeCommand()).parseArgs(args);
    while (r.hasSubcommand()) r = r.subcommand();
    return r.commandSpec().userObject();
  }

  /** Exit code 2, the message on stderr, and no stack trace. */
  void assertRefused(String message) {
    assertEquals(2, code, this::toString);
    assertTrue(err.contains(message), err);
    assertFalse(err.contains("\tat "), err);
  }
}
