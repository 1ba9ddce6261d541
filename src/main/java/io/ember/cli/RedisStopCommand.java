package io.ember.cli;

import io.ember.conf.EmberConf;
import io.ember.gcs.GroupLink;
import io.ember.security.ClusterSecurity;
import io.ember.gcs.GroupProcesses;
import io.ember.gcs.RedisGroup;
import java.util.List;

/**
 * {@code redis-stop -conf <file>}: stops the embedded Redis group's processes that the conf
 * names (every member's sentinel, then the replicas, then the primary, each with
 * {@code SHUTDOWN}: a redis-server flushes its append-only file). They outlive their nodes by
 * design, so this is how a user ends them; stop the nodes first, or their supervisors start
 * their members again.
 */
final class RedisStopCommand {
  private RedisStopCommand() {}

  static int run(String[] args) {
    EmberConf conf = Main.confFrom(args);
    if (conf.redis().replicas() == 0) {
      System.err.println("ember redis-stop: " + conf.source() + " names no Redis group (redis.replicas is 0): nothing to stop"
          + " (a head's own embedded Redis stops with it)");
      return 2;
    }
    RedisGroup group = RedisGroup.of(conf);
    try (GroupLink link = new GroupLink(1_000, ClusterSecurity.resolve(conf.cluster()).redisPasswordFor(conf.redis()))) {
      List<String> stopped = GroupProcesses.stopAll(group, link);
      if (stopped.isEmpty()) System.out.println("no process of the Redis group answered: nothing to stop");
      stopped.forEach(s -> System.out.println("stopped " + s));
      return 0;
    }
  }
}
