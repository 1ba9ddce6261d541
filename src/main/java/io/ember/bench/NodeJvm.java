package io.ember.bench;

import io.ember.node.HazelcastSetup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command of a node JVM the benchmark starts: this JVM's java and class path, a heap, Hazelcast's access grants, the jar's main class. */
final class NodeJvm {
  private NodeJvm() {}

  static List<String> command(String heap, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap));
    cmd.addAll(HazelcastSetup.JVM_ACCESS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ember.cli.Main" /* a name: cli depends on this package */));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
