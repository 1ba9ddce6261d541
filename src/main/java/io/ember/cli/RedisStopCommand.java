package io.ember.cli;

import io.ember.conf.EmberConf;
import io.ember.gcs.GroupLink;
import io.ember.gcs.GroupProcesses;
import io.ember.gcs.RedisGroup;
import io.ember.security.ClusterSecurity;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code redis-stop -conf <file>}: stops the embedded Redis group's processes that the conf
 * names (every member's sentinel, then the replicas, then the primary, each with
 * {@code SHUTDOWN}: a redis-server flushes its append-only file). They outlive their nodes by
 * design, so this is how a user ends them; stop the nodes first, or their supervisors start
 * their members again.
 */
@Command(name = "redis-stop", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Stops the Redis group's processes.",
        "Sentinels, replicas, then the primary, as the conf names them (redis.replicas > 0)."
            + " Stop the nodes first, or they start their members again."})
final class RedisStopCommand implements Callable<Integer> {
  @Mixin
  ConfOption conf;

  @Override
  public Integer call() {
    EmberConf c = conf.load();
    if (c.redis().replicas() == 0) {
      System.err.println("ember redis-stop: " + c.source() + " names no Redis group (redis.replicas is 0): nothing to stop"
          + " (a head's own embedded Redis stops with it)");
      return 2;
    }
    RedisGroup group = RedisGroup.of(c);
    try (GroupLink link = new GroupLink(1_000, ClusterSecurity.resolve(c.cluster()).redisPasswordFor(c.redis()))) {
      List<String> stopped = GroupProcesses.stopAll(group, link);
      if (stopped.isEmpty()) System.out.println("no process of the Redis group answered: nothing to stop");
      stopped.forEach(s -> System.out.println("stopped " + s));
      return 0;
    }
  }
}
