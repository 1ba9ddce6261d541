package io.ember.cli;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Dockerfile read as its instructions (continuation lines joined, comments dropped), split into
 * stages at each {@code FROM}: what {@code ContainerTest} checks without a container engine.
 */
record DockerfileText(List<List<Instruction>> stages) {

  /** One instruction: its keyword (upper case) and the rest of its line. */
  record Instruction(String keyword, String args) {
    /** The words of a shell-form instruction; flags ({@code --from=build}) included. */
    List<String> words() {
      return Arrays.asList(args.trim().split("\\s+"));
    }

    /** The array of an exec-form instruction ({@code ["a", "b"]}). */
    List<String> execForm() {
      List<String> out = new ArrayList<>();
      for (Object o : new JsonArray(args.trim())) out.add((String) o);
      return out;
    }
  }

  static DockerfileText read(Path file) throws IOException {
    List<List<Instruction>> stages = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String raw : Files.readAllLines(file)) {
      String t = raw.strip();
      if (line.length() == 0 && (t.isEmpty() || t.startsWith("#"))) continue;
      if (t.endsWith("\\")) {
        line.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      line.append(t);
      String[] kv = line.toString().split("\\s+", 2);
      line.setLength(0);
      Instruction i = new Instruction(kv[0].toUpperCase(), kv.length > 1 ? kv[1] : "");
      if (i.keyword().equals("FROM")) stages.add(new ArrayList<>());
      stages.get(stages.size() - 1).add(i);
    }
    return new DockerfileText(stages);
  }

  /** The stage the image is made of: the last one. */
  List<Instruction> image() {
    return stages.get(stages.size() - 1);
  }

  /** Every instruction of {@code keyword} in {@code stage}. */
  static List<Instruction> all(List<Instruction> stage, String keyword) {
    return stage.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The last instruction of {@code keyword} in {@code stage} (the one that counts for USER, ENTRYPOINT, CMD). */
  static Instruction last(List<Instruction> stage, String keyword) {
    List<Instruction> all = all(stage, keyword);
    if (all.isEmpty()) throw new AssertionError("no " + keyword + " in the stage " + stage.get(0).args());
    return all.get(all.size() - 1);
  }
}
