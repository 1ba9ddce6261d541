package io.ember.gcs;

import io.ember.api.ActorDiedException;
import io.ember.ids.ActorId;
import io.ember.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The actor tables (rows, checkpoints, method logs; see {@link Keys}): their reads, the load of
 * what recreating an actor needs ({@code actor-load.lua}, one atomic read), and the rebuild
 * lock. An actor's {@link ActorState} moves as drawn there: by a node's fenced
 * {@link TableWriter} (ops N A C R D of the write script) or the {@link NodeDeaths} scripts.
 * This class writes rows in two places only: a kill ({@code actor-kill.lua}) and the name table
 * ({@code actor-name.lua}); otherwise it reads, apart from the advisory rebuild lock.
 */
public final class ActorTable {

  /** One actor row as stored (see {@link Keys}). */
  public record Row(ActorId id, byte[] spec, String className, String node, long incarnation, ActorState state, String error,
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

  private static final Script LOAD = Script.load("actor-load.lua");
  private static final Script KILL = Script.load("actor-kill.lua");
  private static final Script NAME = Script.load("actor-name.lua");

  /** What a kill found: the actor's state and node before it ({@code ""} = none). */
  public record Killed(ActorState before, String node) {}

  private final Store store;
  private final CorruptRows corrupt;

  ActorTable(Store store, CorruptRows corrupt) {
    this.store = store;
    this.corrupt = corrupt;
  }

  /**
   * The actor's row, or null if there is none. A row that cannot be read (another Redis type, a
   * field that does not decode) fails with {@link ActorDiedException} saying so: an actor whose
   * row is unreadable can never be served again. Reported once to {@link CorruptRows}.
   */
  public Future<Row> row(ActorId actor) {
    return store.call(Request.cmd(Command.HGETALL).arg(Keys.actor(actor))).map(r -> {
      Map<String, Response> h = Resp.hash(r);
      return h.isEmpty() ? null : row(actor, h);
    }).recover(err -> unreadable(actor, err));
  }

  /** Its row, checkpoint and log up to entry {@code upto} (-1 = all); null if the actor does not exist. Unreadable: as {@link #row}. */
  public Future<Load> load(ActorId actor, long upto) {
    List<String> keys = List.of(Keys.actor(actor), Keys.actorCheckpoints(actor), Keys.actorLog(actor));
    return store.run(LOAD, keys, upto).map(res -> decodeLoad(actor, res)).recover(err -> unreadable(actor, err));
  }

  private <T> Future<T> unreadable(ActorId actor, Throwable err) {
    if (!CorruptRows.unreadable(err)) return Future.failedFuture(err);
    return Future.failedFuture(new ActorDiedException(actor.toString(), corrupt.report(Keys.actor(actor), err)));
  }

  private static Load decodeLoad(ActorId actor, Response res) {
    if (res == null || res.type() != ResponseType.MULTI) return null;
    Row row = row(actor, Resp.hash(res.get(0)));
    long pos = res.get(1).toLong();
    Buffer blob = pos >= 0 ? res.get(2).toBuffer() : null;
    long from = res.get(3).toLong();
    List<Buffer> entries = new ArrayList<>(res.get(4).size());
    for (Response e : res.get(4)) entries.add(e.toBuffer());
    return new Load(row, pos, blob, from, entries);
  }

  /**
   * Kills the actor for good ({@code actor-kill.lua}): DEAD with {@code reason}, out of every set
   * that would recreate it, its log, checkpoints and name gone. Null if it has no row. Idempotent.
   */
  public Future<Killed> kill(ActorId actor, String reason, long now) {
    List<String> keys = List.of(Keys.actor(actor), Keys.actorLog(actor), Keys.actorCheckpoints(actor), Keys.COUNTS,
        Keys.ACTORS_UNPLACED, Keys.nameOf(actor));
    return store.refusable(() -> store.runAcked(KILL, keys, Keys.PREFIX, now, reason))
        .map(r -> r == null || r.type() != ResponseType.MULTI ? null : new Killed(ActorState.valueOf(r.get(0).toString()), r.get(1).toString()))
        .recover(err -> unreadable(actor, err));
  }

  /**
   * Claims {@code name} for {@code actor}, created on {@code node} ({@code actor-name.lua}):
   * null once it holds the name, else the id of the live actor that does.
   */
  public Future<ActorId> claimName(String name, ActorId actor, NodeId node) {
    return store.refusable(() -> store.runAcked(NAME, List.of(Keys.actorName(name), Keys.nameOf(actor)), "claim", Keys.PREFIX,
        actor.toString(), node.value())).map(ActorTable::holder);
  }

  /** The live actor named {@code name}, or null if none holds it. */
  public Future<ActorId> named(String name) {
    return store.run(NAME, List.of(Keys.actorName(name), Keys.actorName(name)), "get", Keys.PREFIX).map(ActorTable::holder);
  }

  private static ActorId holder(Response r) {
    return r == null || r.size() == 0 ? null : ActorId.parse(r.get(0).toString());
  }

  /** The ids of the actors the table says {@code node} hosts or must restore. */
  public Future<List<ActorId>> actorsOf(NodeId node) {
    return store.call(Request.cmd(Command.SMEMBERS).arg(Keys.nodeActors(node))).map(r -> {
      List<ActorId> out = new ArrayList<>(r.size());
      for (Response m : r) out.add(ActorId.parse(m.toString()));
      return out;
    });
  }

  /**
   * One actor as an operator sees it (the dashboard): class, host node ({@code ""}: none), state,
   * restarts, incarnation, and when its newest checkpoint was taken and its row last changed (ms;
   * 0 = never).
   */
  public record Summary(ActorId id, String className, String node, String state, int restarts, long incarnation,
      long checkpointAt, long updatedAt) {}

  /** Actors in the table ({@code ember:actors}), at most {@code max} of them (the smallest ids), and how many there are. */
  public record Summaries(long total, List<Summary> shown) {}

  /** The first {@code max} actors by id, each read in one pipelined batch; a row gone meanwhile is left out. */
  public Future<Summaries> summaries(int max) {
    return store.call(Request.cmd(Command.SMEMBERS).arg(Keys.ACTORS)).compose(members -> {
      List<String> ids = new ArrayList<>(members.size());
      for (Response m : members) ids.add(m.toString());
      ids.sort(null);
      List<String> shown = ids.subList(0, Math.min(max, ids.size()));
      if (shown.isEmpty()) return Future.succeededFuture(new Summaries(ids.size(), List.of()));
      List<Request> reads = new ArrayList<>(shown.size());
      for (String id : shown) {
        reads.add(Request.cmd(Command.HMGET).arg(Keys.actor(ActorId.parse(id))).arg("class").arg("node").arg("state")
            .arg("restarts").arg("incarnation").arg("checkpointAt").arg("updatedAt"));
      }
      return store.batch(reads).map(rows -> {
        List<Summary> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
          Response r = rows.get(i);
          if (r.get(2) == null) continue; // removed between the two reads
          try {
            out.add(new Summary(ActorId.parse(shown.get(i)), str(r.get(0)), str(r.get(1)), str(r.get(2)), (int) num(r.get(3)),
                num(r.get(4)), num(r.get(5)), num(r.get(6))));
          } catch (RuntimeException unreadable) {
            continue; // a corrupt row is reported where it is used (row, load), not by a view of the table
          }
        }
        return new Summaries(ids.size(), out);
      });
    });
  }

  /** Takes the rebuild lock of one call's output for {@code ttlMs}; false if someone else holds it. */
  public Future<Boolean> lockRebuild(ActorId actor, long index, String holder, long ttlMs) {
    return store.call(Request.cmd(Command.SET).arg(Keys.actorRebuild(actor, index)).arg(holder).arg("NX").arg("PX").arg(ttlMs))
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  public Future<Void> unlockRebuild(ActorId actor, long index) {
    return store.call(Request.cmd(Command.DEL).arg(Keys.actorRebuild(actor, index))).mapEmpty();
  }

  private static Row row(ActorId id, Map<String, Response> h) {
    return new Row(id, bytes(h.get("spec")), str(h.get("class")), str(h.get("node")), num(h.get("incarnation")),
        state(h.get("state")), str(h.get("error")), num(h.get("logBase")), (int) num(h.get("restarts")),
        (int) (h.containsKey("maxRestarts") ? num(h.get("maxRestarts")) : -1));
  }

  /** Null if the row has no state (never written so: the N op always sets one). */
  private static ActorState state(Response r) {
    if (r == null || r.toString().isEmpty()) throw new IllegalArgumentException("it has no state");
    return ActorState.valueOf(r.toString());
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
