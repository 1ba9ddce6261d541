package io.ember.cli;

import io.ember.examples.ExampleJob;
import io.ember.logs.Logs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code example [-n N]}: Ember's main job on a fresh single node ({@link ExampleJob}). */
@Command(name = "example", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Runs the example job on a fresh single node.",
        "With an embedded Redis: the sum of the squares of 1..N as a DAG of tasks, a nested Fibonacci and a"
            + " counter actor; prints the results and the status. Exit code 0 when every result is the expected one."})
final class ExampleCommand implements Callable<Integer> {
  @Option(names = "-n", paramLabel = "N", description = "sum the squares of 1..N (default ${DEFAULT-VALUE})")
  int n = 1000;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (n < 1) throw new ParameterException(spec.commandLine(), "-n takes an integer >= 1, got " + n);
    Logs.toFile(ExampleJob.dataDir());
    return ExampleJob.run(n);
  }
}
