package io.ember.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.cli.DockerfileText.Instruction;
import io.ember.conf.ClusterHost;
import io.ember.conf.EmberConf;
import io.ember.gcs.RedisGroup;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container image and the compose example, checked without a container engine (none is on the
 * machines Ember is built on): the files the Dockerfile copies exist, its user is not root, the confs
 * it ships validate and give each service its own address and Redis group member, the ports they fix
 * are exposed, and its launch command runs.
 */
class ContainerTest {
  private static final Path DOCKERFILE = Path.of("Dockerfile");
  private static final Path COMPOSE = Path.of("deploy/docker/compose.yml");
  private static final String MOUNTED_CONF = "/etc/ember/node.json";

  @Test
  void everyFileTheDockerfileCopiesExistsAndNoneIsDockerIgnored() throws IOException {
    DockerfileText d = DockerfileText.read(DOCKERFILE);
    List<String> ignored = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    int copies = 0;
    for (List<Instruction> stage : d.stages()) {
      for (Instruction copy : DockerfileText.all(stage, "COPY")) {
        List<String> w = copy.words();
        if (w.get(0).startsWith("--from=")) continue; // from the build stage: checked below
        for (String source : w.subList(0, w.size() - 1)) {
          assertTrue(Files.exists(Path.of(source)), "COPY source missing: " + source);
          assertFalse(ignored.contains(source.split("/")[0]), ".dockerignore hides the COPY source " + source);
          copies++;
        }
      }
    }
    assertTrue(copies >= 5, "copies checked: " + copies);
    // the jar comes out of the build stage's `mvn package`: the shade plugin's finalName
    Instruction jar = DockerfileText.all(d.image(), "COPY").stream().filter(i -> i.args().startsWith("--from=build")).findFirst().orElseThrow();
    assertEquals(List.of("--from=build", "/src/target/node.jar", "/opt/ember/node.jar"), jar.words());
    assertEquals("/src", DockerfileText.last(d.stages().get(0), "WORKDIR").args());
    assertTrue(Files.readString(Path.of("pom.xml")).contains("<finalName>node</finalName>"));
    assertTrue(Files.isExecutable(Path.of("deploy/docker/ember")), "the launch script must be executable (COPY keeps the mode)");
  }

  @Test
  void theImageRunsAsANonRootUserWithItsDataOnAVolume() throws IOException {
    List<Instruction> image = DockerfileText.read(DOCKERFILE).image();
    assertEquals("FROM eclipse-temurin:17-jre", "FROM " + image.get(0).args());
    String user = DockerfileText.last(image, "USER").args();
    assertFalse(user.startsWith("root") || user.startsWith("0"), user);
    String run = DockerfileText.all(image, "RUN").get(0).args();
    Matcher uid = Pattern.compile("useradd .*--uid (\\d+)").matcher(run);
    assertTrue(uid.find() && Integer.parseInt(uid.group(1)) >= 1000, run);
    assertTrue(run.contains("chown ember:ember /var/lib/ember"), "the volume's folder must belong to the user: " + run);
    assertEquals("[\"/var/lib/ember\"]", DockerfileText.last(image, "VOLUME").args());
    for (String name : List.of("head", "worker")) {
      EmberConf c = dockerConf(name, "172.28.0.10");
      assertEquals(Path.of("/var/lib/ember"), c.dataDir());
      assertEquals("/run/secrets/cluster_secret", c.cluster().secretFile().toString());
    }
  }

  @Test
  void everyPortTheContainerConfsFixIsExposed() throws IOException {
    List<Integer> exposed = DockerfileText.last(DockerfileText.read(DOCKERFILE).image(), "EXPOSE").words().stream().map(Integer::parseInt).toList();
    for (String name : List.of("head", "worker")) {
      EmberConf c = dockerConf(name, "172.28.0.10");
      List<Integer> fixed = new ArrayList<>(List.of(c.cluster().port(), c.cluster().busPort(), c.objects().transferPort(), c.metricsPort()));
      for (RedisGroup.Member m : RedisGroup.of(c).members()) fixed.addAll(List.of(m.redis().port(), m.sentinel().port()));
      for (int port : fixed) assertTrue(port > 0 && exposed.contains(port), name + ": port " + port + " not in EXPOSE " + exposed);
    }
  }

  @Test
  void eachComposeServiceGetsItsOwnAddressAndItsOwnRedisGroupMember() throws IOException {
    Map<String, Service> services = composeServices();
    assertEquals(List.of("head", "worker1", "worker2"), List.copyOf(services.keySet()));
    List<Integer> members = new ArrayList<>();
    for (Service s : services.values()) {
      String confFile = s.mounts().get(MOUNTED_CONF);
      assertNotNull(confFile, s + " mounts no " + MOUNTED_CONF);
      Path conf = COMPOSE.getParent().resolve(confFile).normalize();
      assertTrue(Files.exists(conf), conf.toString());
      assertTrue(s.mounts().containsKey("/var/lib/ember") && s.mounts().containsKey("/opt/ember/lib"), s.toString());
      String name = conf.getFileName().toString().replace(".json", "");
      JsonObject json = new JsonObject(Files.readString(conf));
      assertEquals(ClusterHost.AUTO, json.getJsonObject("cluster").getString("host"), "one conf serves every worker: the host is derived");
      EmberConf c = dockerConf(name, s.address());
      // what "auto" derives inside that container, whose only interface is its compose address
      List<InetAddress> listed = new ArrayList<>();
      for (String m : c.cluster().members()) listed.add(InetAddress.getByName(m.substring(0, m.indexOf(':'))));
      InetAddress own = InetAddress.getByName(s.address());
      assertEquals(Optional.of(own), ClusterHost.choose(listed, List.of(new ClusterHost.Local(own, 24)), m -> Optional.empty()));
      // the group member whose sentinel is on this address (member 0: the head, whose redis.host it is)
      RedisGroup.Member member = RedisGroup.of(c).members().stream().filter(m -> m.sentinel().host().equals(s.address())).findFirst().orElseThrow();
      assertEquals(s.address(), member.redis().host());
      assertEquals(member.index() == 0, c.redis().embedded(), s + ": only member 0's node is the head");
      members.add(member.index());
    }
    assertEquals(List.of(0, 1, 2), members);
  }

  @Test
  void theImagesLaunchCommandRunsAndAnswersHelp() throws Exception {
    List<Instruction> image = DockerfileText.read(DOCKERFILE).image();
    assertEquals(List.of("/opt/ember/bin/ember"), DockerfileText.last(image, "ENTRYPOINT").execForm());
    List<String> cmd = new ArrayList<>(DockerfileText.last(image, "CMD").execForm());
    assertEquals(List.of("-cluster", "-conf", MOUNTED_CONF), cmd);
    cmd.set(2, "conf/docker/head.json"); // what compose mounts there for the head
    NodeCommand parsed = (NodeCommand) CliRun.parsed(cmd.toArray(String[]::new));
    assertTrue(parsed.cluster);
    assertEquals("conf/docker/head.json", parsed.conf.value);

    // the script itself, run by sh as the image runs it, with this build's classes in place of the jar
    String script = Files.readString(Path.of("deploy/docker/ember"));
    Matcher opens = Pattern.compile("<Add-Opens>(.*)</Add-Opens>").matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(opens.find());
    for (String o : opens.group(1).split("\\s+")) assertTrue(script.contains("--add-opens " + o + "=ALL-UNNAMED"), o);
    cmd.add("--help");
    List<String> sh = new ArrayList<>(List.of("sh", "deploy/docker/ember"));
    sh.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(sh).redirectErrorStream(true);
    pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    pb.environment().put("EMBER_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("JAVA_OPTS", "-XX:MaxRAMPercentage=75 -XX:TieredStopAtLevel=1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.startsWith("Usage: java -jar node.jar"), out);
    assertFalse(out.contains("WARNING"), "the JVM flags must open what the manifest opens, silently: " + out);
  }

  /** A service of the compose file: its fixed address and its mounts (container path to source). */
  record Service(String name, String address, Map<String, String> mounts) {}

  /** The compose file's services, read line by line (its shape is ours: two-space indents, one mount a line). */
  private static Map<String, Service> composeServices() throws IOException {
    Map<String, Service> out = new LinkedHashMap<>();
    boolean inServices = false;
    String name = null;
    String address = null;
    Map<String, String> mounts = new LinkedHashMap<>();
    Pattern mount = Pattern.compile("^ {6}- ([^:]+):([^:]+)(:ro)?$");
    for (String line : Files.readAllLines(COMPOSE)) {
      if (!line.startsWith(" ") && !line.isBlank()) inServices = line.equals("services:");
      if (!inServices) continue;
      Matcher service = Pattern.compile("^  ([a-z0-9]+):$").matcher(line);
      Matcher addr = Pattern.compile("ipv4_address: ([0-9.]+)").matcher(line);
      Matcher m = mount.matcher(line);
      if (service.find()) {
        if (name != null) out.put(name, new Service(name, address, mounts));
        name = service.group(1);
        address = null;
        mounts = new LinkedHashMap<>();
      } else if (addr.find()) {
        address = addr.group(1);
      } else if (m.find()) {
        mounts.put(m.group(2), m.group(1));
      }
    }
    if (name != null) out.put(name, new Service(name, address, mounts));
    return out;
  }

  /** conf/docker/NAME.json as the node in the container at {@code address} reads it ("auto" resolved to it). */
  private static EmberConf dockerConf(String name, String address) throws IOException {
    Path file = Path.of("conf/docker", name + ".json");
    JsonObject json = new JsonObject(Files.readString(file));
    json.getJsonObject("cluster").put("host", address);
    return EmberConf.from(file.toString(), json);
  }
}
