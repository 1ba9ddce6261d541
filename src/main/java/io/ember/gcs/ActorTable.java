package io.ember.gcs;

import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads of the actor tables (rows, checkpoints, method logs) and the rebuild lock. Every write
 * to them goes through a node's fenced {@link TableWriter} or the declare-dead script; this
 * class only reads, apart from the advisory rebuild lock.
 */
public final class ActorTable {

  /** One actor row as stored (see {@link Keys}). */
  public record Row(TaskId id, byte[] spec, String className, String node, long incarnation, String state, String error,
      long logBase, int restarts, int maxRestarts) {
    public boolean hostedBy(NodeId n) {
      return n.value().equals(node);
    }
  }

  /**
   * What recreating an actor up to a point needs: its row, the newest checkpoint at or before
   * that point (position -1 = none), and the log entries from there on ({@code from} is the
   * index of the first).
   */
  public record Load(Row row, long checkpointPosition, Buffer checkpoint, long from, List<Buffer> entries) {}

  // KEYS: row, checkpoints, log; ARGV: upto (index of the last entry wanted; -1 = all)
  private static final String LOAD = """
      local row = redis.call('HGETALL', KEYS[1])
      if #row == 0 then return false end
      local base = tonumber(redis.call('HGET', KEYS[1], 'logBase') or '0')
      local upto = tonumber(ARGV[1])
      local best = -1
      for _, p in ipairs(redis.call('HKEYS', KEYS[2])) do
        local n = tonumber(p)
        if (upto < 0 or n <= upto) and n > best then best = n end
      end
      local blob = ''
      local from = base
      if best >= 0 then
        blob = redis.call('HGET', KEYS[2], string.format('%d', best))
        from = best
      end
      local entries = {}
      if from >= base and (upto < 0 or upto >= from) then
        local stop = -1
        if upto >= 0 then stop = upto - base end
        entries = redis.call('LRANGE', KEYS[3], from - base, stop)
      end
      return {row, best, blob, from, entries}
      """;

  private final Redis redis;

  ActorTable(Redis redis) {
    this.redis = redis;
  }

  public static ActorTable of(Gcs gcs) {
    return new ActorTable(gcs.client());
  }

  /** The actor's row, or null if there is none. */
  public Future<Row> row(TaskId actor) {
    return redis.send(Request.cmd(Command.HGETALL).arg(Keys.actor(actor))).map(r -> {
      Map<String, Response> h = Resp.hash(r);
      return h.isEmpty() ? null : row(actor, h);
    });
  }

  /** Its row, checkpoint and log up to entry {@code upto} (-1 = all); null if the actor does not exist. */
  public Future<Load> load(TaskId actor, long upto) {
    Request r = Request.cmd(Command.EVAL).arg(LOAD).arg(3).arg(Keys.actor(actor)).arg(Keys.actorCheckpoints(actor))
        .arg(Keys.actorLog(actor)).arg(upto);
    return redis.send(r).map(res -> {
      if (res == null || res.type() != io.vertx.redis.client.ResponseType.MULTI) return null;
      Row row = row(actor, Resp.hash(res.get(0)));
      long pos = res.get(1).toLong();
      Buffer blob = pos >= 0 ? res.get(2).toBuffer() : null;
      long from = res.get(3).toLong();
      List<Buffer> entries = new ArrayList<>(res.get(4).size());
      for (Response e : res.get(4)) entries.add(e.toBuffer());
      return new Load(row, pos, blob, from, entries);
    });
  }

  /** The ids of the actors the table says {@code node} hosts or must restore. */
  public Future<List<TaskId>> actorsOf(NodeId node) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(Keys.nodeActors(node))).map(r -> {
      List<TaskId> out = new ArrayList<>(r.size());
      for (Response m : r) out.add(TaskId.parse(m.toString()));
      return out;
    });
  }

  /** Takes the rebuild lock of one call's output for {@code ttlMs}; false if someone else holds it. */
  public Future<Boolean> lockRebuild(TaskId actor, long index, String holder, long ttlMs) {
    return redis.send(Request.cmd(Command.SET).arg(Keys.actorRebuild(actor, index)).arg(holder).arg("NX").arg("PX").arg(ttlMs))
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  public Future<Void> unlockRebuild(TaskId actor, long index) {
    return redis.send(Request.cmd(Command.DEL).arg(Keys.actorRebuild(actor, index))).mapEmpty();
  }

  private static Row row(TaskId id, Map<String, Response> h) {
    return new Row(id, bytes(h.get("spec")), str(h.get("class")), str(h.get("node")), num(h.get("incarnation")),
        str(h.get("state")), str(h.get("error")), num(h.get("logBase")), (int) num(h.get("restarts")),
        (int) (h.containsKey("maxRestarts") ? num(h.get("maxRestarts")) : -1));
  }

  private static String str(Response r) {
    return r == null ? "" : r.toString();
  }

  private static long num(Response r) {
    return r == null || r.toString().isEmpty() ? 0 : Long.parseLong(r.toString());
  }

  private static byte[] bytes(Response r) {
    return r == null ? null : r.toBytes();
  }
}
