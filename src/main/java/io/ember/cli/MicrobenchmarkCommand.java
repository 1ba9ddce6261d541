package io.ember.cli;

import io.ember.bench.Microbenchmark;
import io.ember.logs.Logs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code microbenchmark [--quick] [--no-failures] [--actors] [--replica-acks N]}: {@link Microbenchmark}, with its flags checked here. */
@Command(name = "microbenchmark", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Measures a two-node cluster that it starts on this machine.",
        "This JVM and one node JVM, every task recorded in Redis: one row per figure on stdout (its logs go to a"
            + " file named in the first line), then failure detection and recovery timed with throw-away node JVMs."})
final class MicrobenchmarkCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "run less of each figure")
  boolean quick;

  @Option(names = "--no-failures", description = "skip the failure rows (kill -9, SIGSTOP, actor recovery)")
  boolean noFailures;

  @Option(names = "--actors", description = "run only the actor rows")
  boolean actors;

  @Option(names = "--replica-acks", paramLabel = "N", description = "give Redis one replica and the nodes redis.minReplicaAcks = N")
  Integer replicaAcks;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    String[] args = args().toArray(String[]::new);
    Logs.onlyToFile(Files.createTempDirectory("ember-microbenchmark")); // stdout holds the rows alone; the header names the file
    return Microbenchmark.run(args);
  }

  /** The flags as {@link Microbenchmark#run} reads them. */
  List<String> args() {
    if (replicaAcks != null && replicaAcks < 0) {
      throw new ParameterException(spec.commandLine(), "--replica-acks takes an integer >= 0, got " + replicaAcks);
    }
    List<String> a = new ArrayList<>();
    if (quick) a.add("--quick");
    if (noFailures) a.add("--no-failures");
    if (actors) a.add("--actors");
    if (replicaAcks != null) a.addAll(List.of("--replica-acks", replicaAcks.toString()));
    return a;
  }
}
