package io.ember.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Lua scripts repeat rules and names the Java enums own (the task-state order, the states
 * a node holds a task in, every state name, the claim outcomes): this test reads the .lua
 * resources and checks that both languages say the same.
 */
class LuaContractTest {
  private static final Path MAIN = Path.of("src/main/resources/io/ember/gcs");
  private static final Path TEST = Path.of("src/test/resources/io/ember/gcs");
  /**
   * Upper-case literals that are not states: a Redis option, the leader scripts' error, and the
   * commands the write script passes to its {@code apply} helper. (Single letters are the write
   * script's op codes: the pattern needs two characters.)
   */
  private static final Set<String> NOT_STATES = Set.of("PX", "NOT_LEADER", "SADD", "SREM", "HGET", "HMGET", "SCARD", "HGETALL");
  private static final Pattern REDIS_COMMAND = Pattern.compile("redis\\.call\\('[A-Z]+'");
  private static final Pattern UPPER_LITERAL = Pattern.compile("'([A-Z][A-Z_]+)'");
  private static final Pattern COUNTER = Pattern.compile("'(task|actor)\\.([A-Z_]+)'");

  @Test
  void theWriteScriptsRankTableIsTaskStateRank() throws IOException {
    Map<String, Integer> lua = table(Script.resource("table-writer.lua"), "RANK").entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> Integer.parseInt(e.getValue())));
    Map<String, Integer> java = new HashMap<>();
    for (TaskState s : TaskState.values()) java.put(s.name(), s.rank());
    assertEquals(java, lua);
  }

  @Test
  void theWriteScriptsOnNodeTableIsTaskStateOnNode() {
    Set<String> lua = table(Script.resource("table-writer.lua"), "ON_NODE").keySet();
    Set<String> java = Arrays.stream(TaskState.values()).filter(TaskState::onNode).map(Enum::name).collect(Collectors.toSet());
    assertEquals(java, lua);
  }

  @Test
  void everyStateNamedInLuaIsAnEnumConstant() throws IOException {
    Set<String> states = new HashSet<>();
    Stream.of(TaskState.values(), ActorState.values(), NodeState.values(), ClaimOutcome.values())
        .flatMap(Arrays::stream).forEach(e -> states.add(e.name()));
    Set<String> unknown = new TreeSet<>();
    for (Path file : luaFiles()) {
      String lua = REDIS_COMMAND.matcher(Files.readString(file)).replaceAll("redis.call(CMD");
      Matcher m = UPPER_LITERAL.matcher(lua);
      while (m.find()) {
        if (!states.contains(m.group(1)) && !NOT_STATES.contains(m.group(1))) unknown.add(file.getFileName() + ": " + m.group(1));
      }
    }
    assertEquals(Set.of(), unknown);
  }

  @Test
  void everyCounterNamedInLuaCountsAnEnumState() throws IOException {
    Set<String> tasks = Arrays.stream(TaskState.values()).map(Enum::name).collect(Collectors.toSet());
    Set<String> actors = Arrays.stream(ActorState.values()).map(Enum::name).collect(Collectors.toSet());
    int seen = 0;
    for (Path file : luaFiles()) {
      Matcher m = COUNTER.matcher(Files.readString(file));
      while (m.find()) {
        seen++;
        Set<String> known = m.group(1).equals("task") ? tasks : actors;
        assertTrue(known.contains(m.group(2)), file.getFileName() + ": " + m.group());
      }
    }
    assertTrue(seen > 0, "no counter literal found: the pattern is stale");
  }

  @Test
  void theClaimScriptAnswersExactlyTheClaimOutcomes() {
    Matcher m = Pattern.compile("return \\{'([A-Z_]+)'").matcher(Script.resource("task-claim.lua"));
    Set<String> lua = new HashSet<>();
    while (m.find()) lua.add(m.group(1));
    Set<String> java = Arrays.stream(ClaimOutcome.values()).map(Enum::name).collect(Collectors.toSet());
    assertEquals(java, lua);
  }

  @Test
  void includesAreExpandedOnce() {
    for (String name : List.of("node-declare-dead.lua", "actors-place-unplaced.lua")) {
      String text = Script.load(name).text();
      assertFalse(text.contains("#include"), name);
      assertEquals(1, text.split("local function place\\(", -1).length - 1, name);
    }
  }

  /** The {@code NAME = { K = v, .. }} table of a script, as text. */
  private static Map<String, String> table(String lua, String name) {
    Matcher m = Pattern.compile("local " + name + " = \\{([^}]*)\\}").matcher(lua);
    assertTrue(m.find(), "no table " + name);
    Map<String, String> out = new HashMap<>();
    for (String entry : m.group(1).split(",")) {
      String[] kv = entry.split("=");
      out.put(kv[0].trim(), kv[1].trim());
    }
    return out;
  }

  private static List<Path> luaFiles() throws IOException {
    try (Stream<Path> main = Files.list(MAIN); Stream<Path> test = Files.list(TEST)) {
      List<Path> files = Stream.concat(main, test).filter(p -> p.toString().endsWith(".lua")).toList();
      assertTrue(files.size() >= 10, "expected every script, found " + files);
      return files;
    }
  }
}
