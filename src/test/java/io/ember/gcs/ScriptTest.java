package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scripts survive a Redis that forgot them (restarted empty, or SCRIPT FLUSH): they are sent again. */
class ScriptTest extends RealRedis {
  private static final NodeId N = new NodeId("n");

  @Test
  void aTableScriptIsSentAgainAfterScriptFlush() throws Exception {
    assertEquals(1L, await(gcs.nodes().register(N, Map.of())));
    scriptFlush();
    assertEquals(0L, cached(Script.load("node-register.lua")));
    assertEquals(2L, await(gcs.nodes().register(N, Map.of())));   // NOSCRIPT, then EVAL
    assertEquals(1L, cached(Script.load("node-register.lua")));   // and cached again
  }

  @Test
  void theWriterReloadsItsScriptAfterScriptFlush() throws Exception {
    TableWriter w = gcs.writer(N, await(gcs.nodes().register(N, Map.of())));
    JobId job = JobId.named("noscript");
    TaskId t1 = TaskId.child(TaskId.driverOf(job), 1);
    TaskId t2 = TaskId.child(TaskId.driverOf(job), 2);
    w.taskSubmitted(t1, new byte[] {1}, job, "f", ClientId.ofNode(N));
    await(w.flush());
    scriptFlush();
    w.taskSubmitted(t2, new byte[] {2}, job, "f", ClientId.ofNode(N));
    await(w.flush());
    assertNotNull(await(gcs.tasks().get(t2)));
    assertEquals(1L, cached(TableWriter.SCRIPT));
  }

  private static void scriptFlush() throws Exception {
    await(gcs.redisForTests().send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
  }

  private static long cached(Script s) throws Exception {
    return await(gcs.redisForTests().send(Request.cmd(Command.SCRIPT).arg("EXISTS").arg(s.sha()))).get(0).toLong();
  }
}
