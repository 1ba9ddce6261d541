package io.ember.gcs;

import static io.ember.gcs.GcsTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.ErrorCode;
import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Coalescing changes how much Redis works, never what it ends up holding: random sequences of
 * write calls (every call of the API, few rows so that calls on one row meet in a batch, flushes
 * at random points so batches start from rows written earlier) are applied once by a writer that
 * merges per row and once by one that sends every call as its own script op; every key Redis
 * holds afterwards must be equal, field by field and member by member.
 */
class TableWriterCoalesceTest extends RealRedis {
  private static final JobId JOB = JobId.named("coalesce-test");
  private static final TaskId DRIVER = TaskId.driverOf(JOB);
  private static final NodeId SELF = new NodeId("n1");
  private static final NodeId[] NODES = {SELF, new NodeId("n2"), new NodeId("n3")};
  private static final TaskState[] STATES = TaskState.values();


  @Test
  void mergedAndOneByOneLeaveIdenticalTables() throws Exception {
    long merged = 0;
    long calls = 0;
    for (int seed = 1; seed <= 40; seed++) {
      List<Step> steps = sequence(new Random(seed), 400);
      int maxBatchOps = seed % 4 == 0 ? 3 : 2_000;   // small batches: merges cut at batch edges
      Run oneByOne = run(steps, WriterOptions.DEFAULT.withMaxBatchOps(maxBatchOps).withCoalesce(false));
      Run coalesced = run(steps, WriterOptions.DEFAULT.withMaxBatchOps(maxBatchOps));
      assertEquals(oneByOne.tables.keySet(), coalesced.tables.keySet(), "seed " + seed + ": keys differ");
      for (String key : oneByOne.tables.keySet()) {
        assertEquals(oneByOne.tables.get(key), coalesced.tables.get(key), "seed " + seed + ": " + key + " differs");
      }
      assertEquals(oneByOne.calls, oneByOne.scriptOps, "without coalescing every call is a script op");
      merged += coalesced.calls - coalesced.scriptOps;
      calls += coalesced.calls;
    }
    assertTrue(merged > calls / 3, "coalescing merged " + merged + " of " + calls + " calls");
  }

  /** One write call, or (null) a flush that waits until everything before it is in Redis. */
  private record Step(Consumer<TableWriter> call) {
  }

  private record Run(Map<String, Object> tables, long calls, long scriptOps) {
  }

  private static List<Step> sequence(Random r, int n) {
    TaskId[] tasks = new TaskId[4];
    for (int i = 0; i < tasks.length; i++) tasks[i] = TaskId.child(DRIVER, i);
    List<Step> steps = new ArrayList<>();
    // one writer's calls on one task move forward, as Ember's do: submitted once and first, then
    // (attempt, state) never decreasing. Writes that go backwards (from another node's late
    // batch) are resolved by the stale rule, tested in StaleWriteTest.
    int[] attemptOf = new int[tasks.length];
    int[] rankOf = new int[tasks.length];
    boolean[] started = new boolean[tasks.length];
    for (int i = 0; i < n; i++) {
      int ti = r.nextInt(tasks.length);
      TaskId t = tasks[ti];
      ObjectId o = ObjectId.of(tasks[r.nextInt(tasks.length)], r.nextInt(2));
      NodeId node = NODES[r.nextInt(NODES.length)];
      int k = r.nextInt(100);
      if (k < 12 && !started[ti]) {
        started[ti] = true;
        byte[] spec = new byte[1 + r.nextInt(3)];
        r.nextBytes(spec);
        String fn = "f" + r.nextInt(3);
        steps.add(new Step(w -> w.taskSubmitted(t, spec, JOB, fn, ClientId.ofNode(node))));
      } else if (k < 45) {
        started[ti] = true;
        int attempts = attemptOf[ti] + (r.nextInt(6) == 0 ? 1 : 0);
        TaskState s;
        do {
          s = STATES[r.nextInt(STATES.length)];
        } while (attempts == attemptOf[ti] && s.rank() < rankOf[ti]);
        attemptOf[ti] = attempts;
        rankOf[ti] = s.rank();
        TaskState state = s;
        NodeId at = r.nextInt(4) == 0 ? null : node;
        TaskFailure failure = r.nextInt(4) == 0 ? failure(r) : null;
        steps.add(new Step(w -> w.taskState(t, state, at, attempts, failure)));
      } else if (k < 70) {
        long size = 10L * (1 + r.nextInt(3));
        String kind = r.nextBoolean() ? ObjectRecord.KIND_TASK : ObjectRecord.KIND_PUT;
        steps.add(new Step(w -> w.objectCreated(o, size, o.task(), kind, node)));
      } else if (k < 85) {
        steps.add(new Step(w -> w.objectLocationRemoved(o, node)));
      } else if (k < 89) {
        long at = r.nextInt(1_000);
        steps.add(new Step(w -> w.heartbeat(at, "{\"q\":" + at + "}")));
      } else if (k < 92) {
        String state = "S" + r.nextInt(3);
        Map<String, String> fields = r.nextBoolean() ? Map.of("state", state) : Map.of("state", state, "name", "j");
        steps.add(new Step(w -> w.jobFields(JOB, fields)));
      } else if (k < 94) {
        int e = i;
        steps.add(new Step(w -> w.recovery(new JsonObject().put("step", e))));
      } else {
        steps.add(new Step(null));
      }
    }
    return steps;
  }

  /** A failure whose fields vary one by one (some absent), so that a merge keeping any field of an older write shows. */
  private static TaskFailure failure(Random r) {
    ErrorCode[] codes = {ErrorCode.TASK_FAILED, ErrorCode.ACTOR_DIED, ErrorCode.OBJECT_LOST};
    return new TaskFailure(r.nextInt(4) == 0 ? null : codes[r.nextInt(codes.length)],
        r.nextInt(3) == 0 ? null : "x.E" + r.nextInt(3), "boom: " + r.nextInt(9) + " at: here",
        r.nextBoolean() ? null : "s" + r.nextInt(3));
  }

  private static Run run(List<Step> steps, WriterOptions options) throws Exception {
    await(gcs.redisForTests().send(Request.cmd(Command.FLUSHALL)));
    TableWriter w = gcs.writer(SELF, await(gcs.nodes().register(SELF, Map.of())), options, () -> 1_000L);
    long calls = 0;
    for (Step s : steps) {
      if (s.call == null) {
        await(w.flush());
      } else {
        s.call.accept(w);
        calls++;
      }
    }
    await(w.flush());
    long scriptOps = w.scriptOps();
    await(w.close());
    return new Run(snapshot(), calls, scriptOps);
  }

  /** Every key with its whole contents (binary values as hex), minus what registration stamps. */
  private static Map<String, Object> snapshot() throws Exception {
    Map<String, Object> out = new TreeMap<>();
    for (Response key : await(gcs.redisForTests().send(Request.cmd(Command.KEYS).arg("*")))) {
      String k = key.toString();
      String type = await(gcs.redisForTests().send(Request.cmd(Command.TYPE).arg(k))).toString();
      switch (type) {
        case "hash" -> {
          Map<String, String> h = new TreeMap<>();
          Resp.hash(await(gcs.redisForTests().send(Request.cmd(Command.HGETALL).arg(k))))
              .forEach((f, v) -> h.put(f, HexFormat.of().formatHex(v.toBytes())));
          if (k.equals(Keys.node(SELF))) {
            h.remove("epoch");
            h.remove("startedAt");
            h.remove("wseq");   // the writer's batch count (WriteSequence): fewer batches when merged, by design
          }
          out.put(k, h);
        }
        case "set" -> {
          TreeSet<String> s = new TreeSet<>();
          await(gcs.redisForTests().send(Request.cmd(Command.SMEMBERS).arg(k))).forEach(m -> s.add(m.toString()));
          out.put(k, s);
        }
        case "list" -> {
          List<String> l = new ArrayList<>();
          await(gcs.redisForTests().send(Request.cmd(Command.LRANGE).arg(k).arg(0).arg(-1))).forEach(m -> l.add(m.toString()));
          out.put(k, l);
        }
        case "string" -> {
          if (!k.equals(Keys.EPOCH)) out.put(k, await(gcs.redisForTests().send(Request.cmd(Command.GET).arg(k))).toString());
        }
        default -> out.put(k, "type " + type);
      }
    }
    return out;
  }
}
